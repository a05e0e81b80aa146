import type { Metadata } from "next";
import { CapabilityPage } from "@/components/pages/capability-page";

export const metadata: Metadata = { title: "Reviews" };

export default function ReviewsPage() {
  return <CapabilityPage id="reviews" />;
}
