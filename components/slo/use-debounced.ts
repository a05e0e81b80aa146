"use client";

import { useEffect, useRef, useState } from "react";

/** `value` once it has stayed the same for `ms`; compared by JSON so a new object with the same content does not restart the wait. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  const latest = useRef(value);
  latest.current = value;
  const key = JSON.stringify(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(latest.current), ms);
    return () => clearTimeout(t);
  }, [key, ms]);
  return settled;
}
