import { randomUUID } from "node:crypto";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { log } from "@/server/log";
import { appRouter } from "@/server/routers/_app";
import { requestContext } from "@/server/web/session";

export const dynamic = "force-dynamic";

const requestIdPattern = /^[A-Za-z0-9._-]{8,64}$/;

function handler(req: Request) {
  const given = req.headers.get("x-request-id");
  const requestId = given && requestIdPattern.test(given) ? given : randomUUID();
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => requestContext(requestId),
    responseMeta: () => ({ headers: new Headers({ "x-request-id": requestId }) }),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") log.error({ err: error.cause ?? error, path, requestId }, "tRPC request failed");
    },
  });
}

export { handler as GET, handler as POST };
