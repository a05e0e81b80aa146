/** What the server sends in place of a stored secret (server/crypto/secrets REDACTED); sent back unchanged, the stored value is kept. */
export const REDACTED_MARK = "••••••";
