import type { ComponentType } from "react";
import {
  IconAudit,
  IconDatabase,
  IconDrill,
  IconHealth,
  IconIncident,
  IconOverview,
  IconReview,
  IconRunbook,
  IconSettings,
  IconTarget,
} from "@/components/ui/icons";

export type NavItem = { href: string; label: string; icon: ComponentType };

/** The sidebar, in groups separated by a rule; Settings sits at the bottom. */
export const navGroups: NavItem[][] = [
  [
    { href: "/", label: "Overview", icon: IconOverview },
    { href: "/health", label: "Health", icon: IconHealth },
    { href: "/slos", label: "SLOs", icon: IconTarget },
  ],
  [
    { href: "/runbooks", label: "Runbooks", icon: IconRunbook },
    { href: "/drills", label: "Drills", icon: IconDrill },
    { href: "/clusters", label: "Clusters", icon: IconDatabase },
  ],
  [
    { href: "/reviews", label: "Reviews", icon: IconReview },
    { href: "/incidents", label: "Incidents", icon: IconIncident },
    { href: "/audit", label: "Audit log", icon: IconAudit },
  ],
];

export const settingsItem: NavItem = { href: "/settings", label: "Settings", icon: IconSettings };

export function isActive(pathname: string, href: string): boolean {
  if (href === "/") return pathname === "/";
  return pathname === href || pathname.startsWith(`${href}/`);
}
