/**
 * Work done off the request: the mail queue's drains (services/mail-queue.ts), started after the
 * response or a delay. `idle()` lets tests and a graceful shutdown wait for pending work (and
 * starts delayed work at once, so a test need not sleep).
 */
export interface BackgroundTasks {
  run(name: string, task: () => Promise<void>): void;
  /** `run`, `delayMs` later (an unref'd timer: it never keeps the process alive). */
  later(name: string, delayMs: number, task: () => Promise<void>): void;
  /** Resolves when every task started so far (and any they start) has settled; delayed ones start now. */
  idle(): Promise<void>;
}

export function createBackgroundTasks(onError: (name: string, error: unknown) => void): BackgroundTasks {
  const pending = new Set<Promise<void>>();
  const delayed = new Map<NodeJS.Timeout, () => void>();
  const run = (name: string, task: () => Promise<void>) => {
    const promise = new Promise<void>((resolve) => setImmediate(resolve))
      .then(task)
      .catch((error: unknown) => onError(name, error))
      .finally(() => pending.delete(promise));
    pending.add(promise);
  };
  return {
    run,
    later(name, delayMs, task) {
      const fire = () => {
        clearTimeout(timer);
        delayed.delete(timer);
        run(name, task);
      };
      const timer = setTimeout(fire, delayMs);
      timer.unref();
      delayed.set(timer, fire);
    },
    async idle() {
      for (;;) {
        for (const fire of [...delayed.values()]) fire();
        if (pending.size === 0) return;
        await Promise.all(pending);
      }
    },
  };
}
