import type { Metadata } from "next";
import { CapabilityPage } from "@/components/pages/capability-page";

export const metadata: Metadata = { title: "Runbooks" };

export default function RunbooksPage() {
  return <CapabilityPage id="runbooks" />;
}
