"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTRPC } from "@/components/trpc/client";

/** Admins get "Your account" and "Users"; everyone else has only their account, so no tabs at all. */
export function SettingsTabs() {
  const pathname = usePathname();
  const trpc = useTRPC();
  const { data: me } = useQuery(trpc.system.me.queryOptions());
  const tabs = [{ href: "/settings", label: "Your account" }];
  if (me?.role !== "admin") return null;
  tabs.push({ href: "/settings/users", label: "Users" });
  return (
    <nav className="tabs" aria-label="Settings sections">
      {tabs.map((t) => (
        <Link key={t.href} href={t.href} aria-current={pathname === t.href ? "page" : undefined}>
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
