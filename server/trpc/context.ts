import type { Db } from "@/db/client";
import type { Actor } from "../core/actor";
import type { VerbCtx } from "../core/verb";

export type TrpcContext = {
  actor: Actor;
  db: Db;
  requestId: string;
  mustChangePassword?: boolean;
};

export const verbCtx = (ctx: TrpcContext): VerbCtx => ({ actor: ctx.actor, db: ctx.db, requestId: ctx.requestId });
