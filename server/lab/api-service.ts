import { type Handler, sendJson } from "./sample-service";

const startedAt = new Date();

/** The sample API: the four health endpoints our requirements name, and a little data. */
export const apiHandler: Handler = (req, res) => {
  const path = (req.url ?? "/").split("?")[0];
  switch (path) {
    case "/health":
    case "/health/live":
      return sendJson(res, 200, { status: "ok" });
    case "/health/ready":
      return sendJson(res, 200, { status: "ok", checks: { self: { status: "ok" } } });
    case "/health/startup":
      return sendJson(res, 200, { status: "ok", startedAt: startedAt.toISOString() });
    case "/":
    case "/items":
      return sendJson(res, 200, { items: [{ id: 1, name: "widget" }, { id: 2, name: "gadget" }] });
    default:
      return sendJson(res, 404, { status: "fail", reason: "not found" });
  }
};
