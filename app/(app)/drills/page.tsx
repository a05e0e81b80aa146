import type { Metadata } from "next";
import { CapabilityPage } from "@/components/pages/capability-page";

export const metadata: Metadata = { title: "Drills" };

export default function DrillsPage() {
  return <CapabilityPage id="drills" />;
}
