"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc/client";
import { errorMessage } from "@/components/trpc/errors";
import { FormError } from "@/components/ui/field";
import { IconChevronRight } from "@/components/ui/icons";
import { DateTime, RelativeTime } from "@/components/ui/relative-time";
import styles from "./component.module.css";
import { HealthBadge } from "./state";

/** Every change of state, newest first, with what caused it. Refreshed when the live stream reports a transition. */
export function TransitionsList({ id }: { id: string }) {
  const trpc = useTRPC();
  const q = useInfiniteQuery(trpc.health.transitions.infiniteQueryOptions({ id }, { getNextPageParam: (last) => last.nextCursor }));
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="card" aria-labelledby="transitions-title" data-testid="transitions-card">
      <div className="card-header">
        <h2 id="transitions-title">Transitions</h2>
        <span className="muted">{q.data ? `${items.length}${q.hasNextPage ? "+" : ""}` : ""}</span>
      </div>
      {q.isError ? (
        <div className="card-body">
          <FormError message={errorMessage(q.error)} />
        </div>
      ) : null}
      {q.isPending ? <div className="card-body muted">Loading…</div> : null}
      {q.isSuccess && items.length === 0 ? <div className="card-body muted">No changes of state yet. The first check moves it out of unknown.</div> : null}
      {items.length > 0 ? (
        <ol className={styles.timeline} data-testid="transitions">
          {items.map((t) => (
            <li key={t.id} className={styles.transition} data-testid="transition" data-to={t.toState}>
              <div className={styles.transitionStates}>
                <HealthBadge state={t.fromState} />
                <IconChevronRight className="faint" />
                <HealthBadge state={t.toState} />
              </div>
              <div className={styles.transitionText}>
                <span>{t.cause}</span>
                {t.message ? <span className={`muted ${styles.transitionMessage}`}>{t.message}</span> : null}
              </div>
              <div className={styles.transitionTime}>
                <RelativeTime date={t.at} intervalMs={10_000} />
                <span className="faint">
                  <DateTime date={t.at} />
                </span>
              </div>
            </li>
          ))}
        </ol>
      ) : null}
      {q.hasNextPage ? (
        <div className={styles.cardFooter}>
          <button type="button" className="btn btn-sm" onClick={() => void q.fetchNextPage()} disabled={q.isFetchingNextPage}>
            {q.isFetchingNextPage ? "Loading…" : "Older transitions"}
          </button>
        </div>
      ) : null}
    </section>
  );
}
