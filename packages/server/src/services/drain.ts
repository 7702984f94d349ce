/**
 * A drain that can be kicked: `kick()` runs `work` soon (on a later turn of the event loop, never
 * inside the caller's), coalescing kicks that come while it runs into one more pass after it.
 * The webhook dispatcher and the mail queue each have one, kicked right after the commit that
 * queued work for them (store `commits`), and on the scheduler's tick.
 */
export interface Drain {
  kick(): void;
  /** Resolves when no pass is running or due. */
  idle(): Promise<void>;
  /** No more passes; waits for a running one. */
  stop(): Promise<void>;
}

export function createDrain(work: () => Promise<unknown>, onError: (error: unknown) => void): Drain {
  let running: Promise<void> | undefined;
  let scheduled: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const start = (): Promise<void> =>
    (running = work()
      .then(() => undefined, onError)
      .finally(() => {
        running = undefined;
        if (again && !stopped) {
          again = false;
          kick();
        }
      }));
  const kick = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    scheduled ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      scheduled = undefined;
      return stopped || running ? undefined : start();
    });
  };
  return {
    kick,
    async idle() {
      while (scheduled || running || again) await (scheduled ?? running ?? new Promise<void>((resolve) => setImmediate(resolve)));
    },
    async stop() {
      stopped = true;
      await scheduled;
      await running;
    },
  };
}
