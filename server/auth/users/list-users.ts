import { asc } from "drizzle-orm";
import type { Db } from "@/db/client";
import { users } from "@/db/schema";
import { toUserDto } from "./user-dto";

export async function listUsers(db: Db) {
  const rows = await db.select().from(users).orderBy(asc(users.email));
  return rows.map(toUserDto);
}
