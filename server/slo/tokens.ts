// CONTRACT STUB: the owner replaces these bodies; keep the exported signatures.
import type { Db } from "@/db/client";
import type { VerbCtx } from "../core/verb";
import type { TokenView } from "./types";

type Args = { ctx: VerbCtx; input: unknown };

export async function listTokens(_db: Db): Promise<TokenView[]> {
  throw new Error("not implemented yet");
}
/** The plain token is returned once, here, and never stored. */
export async function createToken(_a: Args): Promise<{ token: string; view: TokenView }> {
  throw new Error("not implemented yet");
}
export async function revokeToken(_a: Args): Promise<TokenView> {
  throw new Error("not implemented yet");
}
