import type { Metadata } from "next";
import { CapabilityPage } from "@/components/pages/capability-page";

export const metadata: Metadata = { title: "Health" };

export default function HealthPage() {
  return <CapabilityPage id="health" />;
}
