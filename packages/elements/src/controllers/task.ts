/**
 * Data a host loads when its inputs change: the part of `@lit/task`'s `Task` that the elements use
 * (issue 15: the library's class is three times this size on the two-element page, for
 * `taskComplete`, `autoRun`, `onComplete`/`onError`, `argsEqual` and `initialValue`, which
 * nothing here uses). The same behaviour: before each host update, if `args()` differs element by
 * element (`Object.is`) from the last run's, it runs again; a new run aborts the one in flight,
 * whose result is then ignored; a run that returns `initialState` goes back to INITIAL (keeping
 * the last value); an error clears the value, a success the error.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export const TaskStatus = { INITIAL: 0, PENDING: 1, COMPLETE: 2, ERROR: 3 } as const;
export type TaskStatus = (typeof TaskStatus)[keyof typeof TaskStatus];

/** What a task returns when there is nothing to load yet (no client, no selection). */
export const initialState: unique symbol = Symbol();

export interface TaskConfig<A extends readonly unknown[], R> {
  task: (args: A, options: { signal: AbortSignal }) => Promise<R | typeof initialState>;
  /** The inputs, compared element by element with the last run's. */
  args: () => A;
}

/** What `render()` shows in each status. */
export interface TaskRenderer<R> {
  initial?: () => unknown;
  pending?: () => unknown;
  complete?: (value: R) => unknown;
  error?: (error: unknown) => unknown;
}

export class Task<A extends readonly unknown[], R> implements ReactiveController {
  #status: TaskStatus = TaskStatus.INITIAL;
  #value: R | undefined;
  #error: unknown;
  #args: A | undefined;
  #abort: AbortController | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly config: TaskConfig<A, R>,
  ) {
    host.addController(this);
  }

  get status(): TaskStatus {
    return this.#status;
  }

  get value(): R | undefined {
    return this.#value;
  }

  get error(): unknown {
    return this.#error;
  }

  hostUpdate(): void {
    const args = this.config.args();
    const last = this.#args;
    if (!last || args.length !== last.length || args.some((arg, index) => !Object.is(arg, last[index]))) void this.run(args);
  }

  /** Runs now (Retry, a refresh), with the current `args()` unless given. */
  async run(args: A = this.config.args()): Promise<void> {
    this.#args = args;
    if (this.#status === TaskStatus.PENDING) this.#abort?.abort();
    const abort = (this.#abort = new AbortController());
    this.#status = TaskStatus.PENDING;
    this.host.requestUpdate();
    let result: R | typeof initialState | undefined;
    let error: unknown;
    let failed = false;
    try {
      result = await this.config.task(args, { signal: abort.signal });
    } catch (caught) {
      failed = true;
      error = caught;
    }
    // A later run took over.
    if (abort !== this.#abort) return;
    if (result === initialState) {
      this.#status = TaskStatus.INITIAL;
    } else {
      this.#status = failed ? TaskStatus.ERROR : TaskStatus.COMPLETE;
      this.#value = result;
      this.#error = error;
    }
    this.host.requestUpdate();
  }

  render(renderer: TaskRenderer<R>): unknown {
    switch (this.#status) {
      case TaskStatus.INITIAL:
        return renderer.initial?.();
      case TaskStatus.PENDING:
        return renderer.pending?.();
      case TaskStatus.COMPLETE:
        return renderer.complete?.(this.#value as R);
      default:
        return renderer.error?.(this.#error);
    }
  }
}
