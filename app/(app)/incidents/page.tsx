import type { Metadata } from "next";
import { CapabilityPage } from "@/components/pages/capability-page";

export const metadata: Metadata = { title: "Incidents" };

export default function IncidentsPage() {
  return <CapabilityPage id="incidents" />;
}
