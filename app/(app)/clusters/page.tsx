import type { Metadata } from "next";
import { CapabilityPage } from "@/components/pages/capability-page";

export const metadata: Metadata = { title: "Clusters" };

export default function ClustersPage() {
  return <CapabilityPage id="clusters" />;
}
