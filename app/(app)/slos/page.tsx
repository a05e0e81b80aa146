import type { Metadata } from "next";
import { CapabilityPage } from "@/components/pages/capability-page";

export const metadata: Metadata = { title: "SLOs" };

export default function SlosPage() {
  return <CapabilityPage id="slos" />;
}
