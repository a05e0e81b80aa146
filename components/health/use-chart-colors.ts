"use client";

import { useSyncExternalStore } from "react";

/** SVG attributes cannot read CSS variables reliably, so charts get the theme's colours as values, re-read when the theme flips. */
const names = ["--accent", "--warn", "--bad", "--text-muted", "--border", "--surface", "--text"] as const;
type Colors = Record<(typeof names)[number], string>;

let cache: { theme: string | null; colors: Colors } | null = null;

function read(): Colors {
  const theme = document.documentElement.getAttribute("data-theme");
  if (cache && cache.theme === theme) return cache.colors;
  const cs = getComputedStyle(document.documentElement);
  const colors = Object.fromEntries(names.map((n) => [n, cs.getPropertyValue(n).trim()])) as Colors;
  cache = { theme, colors };
  return colors;
}

function subscribe(onChange: () => void) {
  const mo = new MutationObserver(onChange);
  mo.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  return () => mo.disconnect();
}

const fallback: Colors = { "--accent": "#3451d1", "--warn": "#9a6100", "--bad": "#c72a32", "--text-muted": "#5a626d", "--border": "#dfe3e8", "--surface": "#fff", "--text": "#1a1e24" };

export function useChartColors(): Colors {
  return useSyncExternalStore(subscribe, read, () => fallback);
}
