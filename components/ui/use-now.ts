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

/**
 * One subscribe function per interval. Its identity must be stable: with a new
 * function per render, every re-render of a list unsubscribes all its rows
 * (stopping the clock), resubscribes them (restarting it with a new `now`),
 * which changes the snapshot, re-renders them, and loops ("Maximum update depth").
 */
const subscribers = new Map<number, (listener: () => void) => () => void>();
function subscriberFor(intervalMs: number) {
  let s = subscribers.get(intervalMs);
  if (!s) {
    s = (l) => subscribe(intervalMs, l);
    subscribers.set(intervalMs, s);
  }
  return s;
}

/** The current time in ms, updated every `intervalMs`; on the server and during hydration, null. */
export function useNow(intervalMs = 1000): number | null {
  return useSyncExternalStore(
    subscriberFor(intervalMs),
    () => clock(intervalMs).now,
    () => null,
  );
}
