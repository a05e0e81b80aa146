import type { Role } from "@/server/core/actor";

export const roleOptions: readonly Role[] = ["viewer", "operator", "admin"];

export const roleDescriptions: Record<Role, string> = {
  viewer: "Sees everything: health, SLOs, runbooks, drills, clusters, reviews, incidents and the audit log.",
  operator: "Sees everything and acts: runs runbooks and drills, triggers switchovers and failovers, acknowledges.",
  admin: "Sees and does everything, and configures: components, SLOs, policies, clusters and people.",
};
