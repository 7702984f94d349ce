/**
 * Work done after the response has been sent: the login lookup and its email. The request
 * handler answers at once, the same way for every email, so neither the lookup nor SMTP time can
 * be measured from outside. `idle()` lets tests and a graceful shutdown wait for pending work.
 */
export interface BackgroundTasks {
  run(name: string, task: () => Promise<void>): void;
  /** Resolves when every task started so far (and any they start) has settled. */
  idle(): Promise<void>;
}

export function createBackgroundTasks(onError: (name: string, error: unknown) => void): BackgroundTasks {
  const pending = new Set<Promise<void>>();
  return {
    run(name, task) {
      const promise = new Promise<void>((resolve) => setImmediate(resolve))
        .then(task)
        .catch((error: unknown) => onError(name, error))
        .finally(() => pending.delete(promise));
      pending.add(promise);
    },
    async idle() {
      while (pending.size > 0) await Promise.all(pending);
    },
  };
}
