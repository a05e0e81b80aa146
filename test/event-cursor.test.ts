import { describe, expect, it } from "vitest";
import { EventCursor, GAP_TTL_MS } from "@/server/events/event-cursor";

describe("EventCursor", () => {
  it("delivers new ids once and remembers skipped ids as gaps", () => {
    const c = new EventCursor(10, [], 0);
    expect(c.take(11, 0)).toBe(true);
    expect(c.take(11, 0)).toBe(false);
    expect(c.take(14, 0)).toBe(true);
    expect(c.gapIds().sort()).toEqual([12, 13]);
    expect(c.format()).toBe("14:12,13");
    expect(c.take(13, 5)).toBe(true);
    expect(c.take(13, 5)).toBe(false);
    expect(c.format()).toBe("14:12");
  });

  it("round-trips through its text form, so a reconnect resumes with the gaps", () => {
    const c = new EventCursor(3, [], 0);
    c.take(7, 0);
    const back = EventCursor.parse(c.format(), 0)!;
    expect(back.last).toBe(7);
    expect(back.gapIds().sort()).toEqual([4, 5, 6]);
    expect(back.take(5, 0)).toBe(true);
    expect(back.take(2, 0)).toBe(false);
  });

  it("forgets gaps that stay empty longer than the TTL (rolled back)", () => {
    const c = new EventCursor(0, [], 0);
    c.take(3, 0);
    c.expire(GAP_TTL_MS - 1);
    expect(c.hasGaps()).toBe(true);
    c.expire(GAP_TTL_MS + 1);
    expect(c.hasGaps()).toBe(false);
    expect(c.format()).toBe("3");
  });

  it("rejects malformed cursors and bounds the number of gaps", () => {
    expect(EventCursor.parse("abc")).toBeNull();
    expect(EventCursor.parse("5:")).toBeNull();
    expect(EventCursor.parse("")).toBeNull();
    const c = new EventCursor(0, [], 0);
    c.take(100_000, 0);
    expect(c.gapIds().length).toBeLessThanOrEqual(200);
    expect(Math.min(...c.gapIds())).toBe(100_000 - 200);
  });
});
