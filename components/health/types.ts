import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/routers/_app";

/** What the health router returns, as the browser receives it (superjson keeps Dates). */
type Out = inferRouterOutputs<AppRouter>["health"];
type In = inferRouterInputs<AppRouter>["health"];

export type HealthOverview = Out["overview"];
export type ComponentRow = HealthOverview["components"][number];
export type ServiceSummary = HealthOverview["services"][number];
export type ComponentDetail = Out["component"];
export type ProbeResultView = Out["testNow"];
export type Transition = Out["transitions"]["items"][number];
export type MaintenanceWindow = ComponentDetail["maintenance"][number];
export type LatencyRange = In["latency"]["range"];
