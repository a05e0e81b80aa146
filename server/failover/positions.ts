import { tryParseLsn } from "./lsn";

/**
 * Replication positions as comparable numbers: a PostgreSQL LSN "X/Y" is
 * (X << 32) + Y bytes; a Redis replication offset is already a decimal byte count.
 */
export function positionBytes(position: string | null | undefined): bigint | null {
  if (!position) return null;
  const lsn = tryParseLsn(position);
  if (lsn !== null) return lsn;
  if (/^\d{1,20}$/.test(position.trim())) return BigInt(position.trim());
  return null;
}

/** `a − b` in bytes, never negative; null when either is unknown. */
export function positionGap(a: string | null | undefined, b: string | null | undefined): number | null {
  const x = positionBytes(a);
  const y = positionBytes(b);
  if (x === null || y === null) return null;
  return x > y ? Number(x - y) : 0;
}
