"use client";

import { useSyncExternalStore } from "react";

/** One shared ticking clock per interval, so a table of relative times re-renders together. */
const clocks = new Map<number, { now: number; listeners: Set<() => void>; timer?: ReturnType<typeof setInterval> }>();

function clock(intervalMs: number) {
  let c = clocks.get(intervalMs);
  if (!c) {
    c = { now: Date.now(), listeners: new Set() };
    clocks.set(intervalMs, c);
  }
  return c;
}

function subscribe(intervalMs: number, listener: () => void): () => void {
  const c = clock(intervalMs);
  c.listeners.add(listener);
  if (!c.timer) {
    c.now = Date.now();
    c.timer = setInterval(() => {
      c.now = Date.now();
      for (const l of c.listeners) l();
    }, intervalMs);
  }
  return () => {
    c.listeners.delete(listener);
    if (c.listeners.size === 0 && c.timer) {
      clearInterval(c.timer);
      c.timer = undefined;
    }
  };
}

/** The current time in ms, updated every `intervalMs`; on the server and during hydration, null. */
export function useNow(intervalMs = 1000): number | null {
  return useSyncExternalStore(
    (l) => subscribe(intervalMs, l),
    () => clock(intervalMs).now,
    () => null,
  );
}
