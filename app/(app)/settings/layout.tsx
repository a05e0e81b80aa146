import type { ReactNode } from "react";
import { SettingsTabs } from "@/components/settings/settings-tabs";
import { PageHeader } from "@/components/ui/page-header";

export default function SettingsLayout({ children }: { children: ReactNode }) {
  return (
    <div className="page">
      <PageHeader title="Settings" />
      <SettingsTabs />
      {children}
    </div>
  );
}
