import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/routers/_app";

/** What the SLO router returns, as the browser receives it (superjson keeps Dates). */
type Out = inferRouterOutputs<AppRouter>["slo"];
type In = inferRouterInputs<AppRouter>["slo"];

export type SloRow = Out["list"][number];
export type SloDetailData = Out["detail"];
export type SloSeriesData = Out["series"];
export type PreviewData = Out["preview"];
export type TokenRow = Out["tokens"][number];
export type PolicyRow = Out["policies"][number];
export type OverrideRow = Out["overrides"][number];
export type GateData = Out["gate"];
export type ReportData = Out["report"];
export type ImportReportData = Out["importOpenSlo"];
export type ListFilterInput = In["list"];
