export * from "./auth";
export * from "./audit";
export * from "./events";
export * from "./workers";
export * from "./health";
export * from "./slo";
export * from "./clusters";
