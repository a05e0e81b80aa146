import { withAuth } from "next-auth/middleware";

// Pages need a session; APIs answer 401 themselves (a redirect to HTML would confuse tRPC and SSE clients).
export const proxy = withAuth({ pages: { signIn: "/login" } });

export const config = {
  matcher: ["/((?!api/|metrics|login|_next/|favicon.ico|icon.svg|robots.txt).*)"],
};
