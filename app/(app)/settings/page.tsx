import type { Metadata } from "next";
import { AccountSection } from "@/components/settings/account-section";

export const metadata: Metadata = { title: "Settings" };

export default function SettingsPage() {
  return <AccountSection />;
}
