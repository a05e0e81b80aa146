/** A short human-readable "what is probed" for lists: the URL, or host:port. */
export function describeTarget(kind: string, config: Record<string, unknown>): string {
  const s = (k: string) => (typeof config[k] === "string" || typeof config[k] === "number" ? String(config[k]) : "");
  switch (kind) {
    case "http":
    case "websocket":
    case "patroni":
      return s("url");
    case "postgres":
      return `${s("host")}:${s("port")}/${s("database")}`;
    case "push":
      return "heartbeat URL";
    default:
      return `${s("host")}:${s("port")}`;
  }
}
