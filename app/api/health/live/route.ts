export const dynamic = "force-dynamic";

/** The process is up and serving HTTP. Nothing else is checked: a restart would not fix a database outage. */
export function GET() {
  return Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } });
}
