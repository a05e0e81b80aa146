/**
 * A subscriber's position in the outbox. Ids are handed out at insert but
 * become visible at commit, so id N can appear after N+1. The cursor keeps the
 * highest id delivered plus the skipped ids below it ("gaps") that may still
 * commit; a gap that stays empty for GAP_TTL_MS was a rollback. The cursor
 * travels to the client as the tracked event id ("last" or "last:gap,gap"),
 * so a reconnect resumes with the gaps too.
 */
export const GAP_TTL_MS = 30_000;
const MAX_GAPS = 200;

export const cursorPattern = /^\d{1,18}(:\d{1,18}(,\d{1,18}){0,199})?$/;

export class EventCursor {
  private readonly gaps = new Map<number, number>();

  constructor(public last: number, gapIds: Iterable<number> = [], now = Date.now()) {
    for (const id of gapIds) if (id < last) this.gaps.set(id, now);
  }

  static parse(text: string | null | undefined, now = Date.now()): EventCursor | null {
    if (!text || !cursorPattern.test(text)) return null;
    const [last, gaps] = text.split(":");
    return new EventCursor(Number(last), gaps ? gaps.split(",").map(Number) : [], now);
  }

  format(): string {
    return this.gaps.size ? `${this.last}:${[...this.gaps.keys()].sort((a, b) => a - b).join(",")}` : String(this.last);
  }

  gapIds(): number[] {
    return [...this.gaps.keys()];
  }

  hasGaps(): boolean {
    return this.gaps.size > 0;
  }

  /** Feed rows in id order; true when the row is new to this subscriber and should be delivered. */
  take(id: number, now = Date.now()): boolean {
    if (this.gaps.delete(id)) return true;
    if (id <= this.last) return false;
    // Skipped ids may belong to transactions still running; remember the most recent ones.
    for (let missing = Math.max(this.last + 1, id - MAX_GAPS); missing < id; missing++) this.gaps.set(missing, now);
    this.last = id;
    this.trim();
    return true;
  }

  expire(now = Date.now()): void {
    for (const [id, since] of this.gaps) if (now - since > GAP_TTL_MS) this.gaps.delete(id);
  }

  private trim(): void {
    if (this.gaps.size <= MAX_GAPS) return;
    const keep = [...this.gaps.keys()].sort((a, b) => b - a).slice(0, MAX_GAPS);
    for (const id of this.gaps.keys()) if (!keep.includes(id)) this.gaps.delete(id);
  }
}
