/**
 * PostgreSQL WAL positions ("16/B374D848": high and low 32 bits in hex) as
 * bigints, so positions can be compared and subtracted exactly (a byte count
 * beyond 2^53 is possible on a long-lived cluster).
 */
const LSN = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/;

/** null when the text is not an LSN */
export function tryParseLsn(text: string): bigint | null {
  const m = LSN.exec(text.trim());
  return m ? (BigInt(`0x${m[1]}`) << 32n) | BigInt(`0x${m[2]}`) : null;
}

export function parseLsn(text: string): bigint {
  const v = tryParseLsn(text);
  if (v === null) throw new Error(`not a WAL position: ${JSON.stringify(text)}`);
  return v;
}

export const parseLsnOrNull = (text: string | null | undefined): bigint | null => (text ? parseLsn(text) : null);

export function formatLsn(value: bigint): string {
  if (value < 0n || value >= 1n << 64n) throw new Error(`WAL position out of range: ${value}`);
  return `${(value >> 32n).toString(16).toUpperCase()}/${(value & 0xffffffffn).toString(16).toUpperCase()}`;
}

/** a − b in bytes as a number (WAL differences that matter here fit in 2^53) */
export const lsnDiff = (a: bigint, b: bigint): number => Number(a - b);
