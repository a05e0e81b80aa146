/**
 * The shared postgres.js client hands timestamps through as text (drizzle
 * installs pass-through parsers and serializers for them), so raw SQL reads
 * convert here and raw SQL writes pass ISO strings.
 */
export const asDate = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));
export const asDateOrNull = (v: Date | string | null | undefined): Date | null => (v === null || v === undefined ? null : asDate(v));
