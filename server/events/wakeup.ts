/**
 * A level-triggered wake-up: `fire()` before `wait()` is not lost, so a
 * notification that arrives while the subscriber is busy querying still wakes
 * the next wait at once.
 */
export class Wakeup {
  private pending = false;
  private resolve: (() => void) | null = null;

  fire = (): void => {
    this.pending = true;
    this.resolve?.();
  };

  async wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.pending || signal?.aborted) {
      this.pending = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        this.resolve = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener("abort", done, { once: true });
      this.resolve = done;
    });
    this.pending = false;
  }
}
