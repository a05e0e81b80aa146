/** Only same-origin paths: a crafted `callbackUrl` must not send people to another site after sign-in. */
export function safeCallbackUrl(raw: string | null, origin: string): string {
  if (!raw) return "/";
  try {
    const url = new URL(raw, origin);
    if (url.origin !== origin || url.pathname.startsWith("/login") || url.pathname.startsWith("/api/")) return "/";
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return "/";
  }
}

/** next-auth puts an error code in `?error=` when it bounces back to the sign-in page. */
export function describeAuthError(code: string | null): string | undefined {
  switch (code) {
    case null:
    case "":
      return undefined;
    case "CredentialsSignin":
      return "Wrong email or password.";
    case "RateLimited":
      return "Too many failed sign-ins. Wait 15 minutes, then try again.";
    case "AccessDenied":
      return "This account may not sign in here. An admin must create your Bulwark account (with the same email) first.";
    case "SessionRequired":
      return "Sign in to continue.";
    case "OAuthSignin":
    case "OAuthCallback":
    case "OAuthCreateAccount":
    case "Callback":
      return "Single sign-on failed. Try again, or sign in with your email and password.";
    default:
      return "Sign-in failed. Try again.";
  }
}
