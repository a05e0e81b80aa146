import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import { AppError, toTrpcCode } from "../errors";
import { log } from "../log";
import { metrics } from "../web/metrics";
import type { Role } from "../core/actor";
import { requireRole, zodFieldErrors } from "../core/verb";
import type { TrpcContext } from "./context";

const t = initTRPC.context<TrpcContext>().create({
  transformer: superjson,
  sse: {
    ping: { enabled: true, intervalMs: 5_000 },
    client: { reconnectAfterInactivityMs: 12_000 },
  },
  errorFormatter({ shape, error, ctx }) {
    const cause = error.cause;
    const fieldErrors =
      cause instanceof AppError ? cause.fieldErrors : cause instanceof ZodError ? zodFieldErrors(cause) : undefined;
    const internal = error.code === "INTERNAL_SERVER_ERROR";
    return {
      ...shape,
      // Unknown errors never leak their message; the request id finds the log line.
      message: internal ? `Something went wrong. Request id: ${ctx?.requestId ?? "unknown"}` : shape.message,
      data: { code: shape.data.code, httpStatus: shape.data.httpStatus, path: shape.data.path, fieldErrors, requestId: ctx?.requestId },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const mergeRouters = t.mergeRouters;

/** Times every call and turns domain errors into tRPC codes. */
const observed = t.middleware(async ({ path, type, ctx, next }) => {
  const stop = metrics().trpcDuration.startTimer({ path, type });
  const result = await next();
  stop({ ok: String(result.ok) });
  if (result.ok) return result;
  const err = result.error;
  const cause = err.cause;
  let mapped: TRPCError = err;
  if (cause instanceof AppError) mapped = new TRPCError({ code: toTrpcCode(cause.code), message: cause.message, cause });
  else if (err.code === "INTERNAL_SERVER_ERROR") log.error({ err: cause ?? err, path, requestId: ctx.requestId }, "unhandled error in procedure");
  metrics().trpcErrors.inc({ path, code: mapped.code });
  throw mapped;
});

/** The only change someone signed in with a one-time password may make is replacing it. */
const PASSWORD_CHANGE_PATH = "users.changeOwnPassword";

const withRole = (role: Role) =>
  t.middleware(({ ctx, path, type, next }) => {
    try {
      requireRole(ctx.actor, role);
    } catch (e) {
      if (e instanceof AppError) throw new TRPCError({ code: toTrpcCode(e.code), message: e.message, cause: e });
      throw e;
    }
    if (ctx.mustChangePassword && type === "mutation" && path !== PASSWORD_CHANGE_PATH) {
      throw new TRPCError({ code: "PRECONDITION_FAILED", message: "Change your one-time password under Settings first" });
    }
    return next();
  });

export const publicProcedure = t.procedure.use(observed);
export const viewerProcedure = publicProcedure.use(withRole("viewer"));
export const operatorProcedure = publicProcedure.use(withRole("operator"));
export const adminProcedure = publicProcedure.use(withRole("admin"));
