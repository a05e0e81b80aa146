"use client";

import { type ComponentKind, componentKinds, kindDefaults } from "@/server/health/schemas";
import styles from "./form.module.css";
import { formatInterval } from "./format";
import { kindLabel } from "./state";

export const kindBlurb: Record<ComponentKind, string> = {
  http: "An HTTP(S) endpoint: status, body or JSON match, TLS certificate expiry.",
  tcp: "A port that accepts TCP connections.",
  websocket: "Connects, pings, expects a pong in time.",
  postgres: "Role, replication lag, connection use, timeline.",
  redis: "PING, replication role and offset, clients.",
  patroni: "A Patroni cluster's members, roles and lag.",
  pgbouncer: "Pool utilization from SHOW POOLS.",
  push: "A job calls a heartbeat URL; silence is unhealthy.",
};

/** Native radios: arrow keys move between kinds, as in any radio group. */
export function KindPicker({ value, onChange, autoFocus }: { value: ComponentKind | null; onChange: (k: ComponentKind) => void; autoFocus?: boolean }) {
  return (
    <fieldset className={styles.kinds} data-testid="kind-picker">
      <legend className="sr-only">Kind of component</legend>
      {componentKinds.map((k, i) => {
        const d = kindDefaults[k];
        return (
          <label key={k} className="radio-card" data-kind={k}>
            <input
              type="radio"
              name="component-kind"
              value={k}
              checked={value === k}
              onChange={() => onChange(k)}
              autoFocus={autoFocus && (value ? value === k : i === 0)}
              className="radio-card-input"
            />
            <span className="radio-card-name">{kindLabel[k]}</span>
            <span className="radio-card-blurb">{kindBlurb[k]}</span>
            <span className={styles.kindDefaults}>
              {k === "push" ? `expects a beat every ${formatInterval(d.intervalMs)}` : `every ${formatInterval(d.intervalMs)}, timeout ${formatInterval(d.timeoutMs)}`}
            </span>
          </label>
        );
      })}
    </fieldset>
  );
}
