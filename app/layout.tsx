import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { ThemeScript } from "@/components/shell/theme-script";
import { TrpcProviders } from "@/components/trpc/client";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Bulwark", template: "%s · Bulwark" },
  description: "Self-hosted reliability control plane: live health, SLOs and error budgets, runbooks, drills, switchovers, reviews.",
};

export const viewport: Viewport = {
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#f5f6f8" },
    { media: "(prefers-color-scheme: dark)", color: "#0e1014" },
  ],
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    // data-theme is set by the inline script before paint, so the server's markup and the DOM differ on purpose.
    <html lang="en" suppressHydrationWarning>
      <head>
        <ThemeScript />
      </head>
      <body>
        <TrpcProviders>{children}</TrpcProviders>
      </body>
    </html>
  );
}
