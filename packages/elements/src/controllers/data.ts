/**
 * Data an element loads from the portal API, with the four faces every state has: loading (a
 * skeleton that reserves the space), empty, error (with a Retry that keeps focus in the element)
 * and the expired session (nothing: the portal shows one expired face for every section). A
 * Task (controllers/task.ts) underneath: it reruns when the client or `args` change and aborts stale calls.
 */
import { html, nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { msg } from '@lit/localize';
import { Task, TaskStatus, initialState } from './task.ts';

export { initialState };
import type { PortalClient } from '@dodo-portal/wire/client';
import type { SessionController } from './session.ts';

export interface DataOptions<T> {
  /**
   * Fetch the data; `args` are the primitives from `args()`. Not called without a client;
   * `initialState` when there is nothing to load yet (e.g. no selection).
   */
  load: (client: PortalClient, args: readonly unknown[], signal: AbortSignal) => Promise<T | typeof initialState>;
  /** Further inputs (primitives: the Task compares them shallowly). */
  args?: () => readonly unknown[];
}

export interface DataFaces<T> {
  /** While nothing has loaded yet (and, unless `stale`, while reloading). */
  loading: () => TemplateResult;
  /** Before the first load starts; the loading face when absent. */
  initial?: () => TemplateResult;
  complete: (value: T) => TemplateResult;
  /** The empty face, shown instead of `complete` when `isEmpty` says so. */
  empty?: () => TemplateResult;
  isEmpty?: (value: T) => boolean;
  /** Keep showing the last value while reloading (a refresh after a write elsewhere). */
  stale?: boolean;
  /** Title of the load-error face. */
  error: string;
}

/** "We couldn't load …", what to check, and a Retry button. */
export function loadErrorFace(title: string, retry: () => void): TemplateResult {
  return html`<div part="error" class="message message--error" role="alert">
    <p class="message__title">${title}</p>
    <p class="message__body">${msg('Check your connection and try again.')}</p>
    <button type="button" class="button button--primary" @click=${retry}>${msg('Retry')}</button>
  </div>`;
}

/** The loading face of a list of cards (the key vault, the subscriptions): two placeholder cards. */
export function cardsSkeleton(part?: string): TemplateResult {
  return html`<ul part=${part ?? nothing} class="list" aria-busy="true">${[0, 1].map(
    () => html`<li class="card" aria-hidden="true"><span class="skeleton"></span><span class="skeleton skeleton--wide"></span><span class="skeleton skeleton--button"></span></li>`,
  )}</ul>`;
}

export class DataController<T> {
  readonly task: Task<readonly unknown[], T>;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement & { renderRoot: ParentNode },
    private readonly portalSession: SessionController,
    { load, args = () => [] }: DataOptions<T>,
  ) {
    this.task = new Task<readonly unknown[], T>(host, {
      task: async ([client, ...rest], { signal }) => {
        if (!client) return initialState;
        try {
          return await load(client as PortalClient, rest, signal);
        } catch (error) {
          portalSession.noteFailure(error);
          throw error;
        }
      },
      args: () => [portalSession.client, ...args()],
    });
  }

  get value(): T | undefined {
    return this.task.value;
  }

  get status(): TaskStatus {
    return this.task.status;
  }

  /** Loading (or about to): the status line says so, pagination waits. */
  get pending(): boolean {
    return this.task.status === TaskStatus.PENDING || this.task.status === TaskStatus.INITIAL;
  }

  run(): Promise<void> {
    return this.task.run();
  }

  /** The Retry button disappears with the error: keep keyboard focus inside the element, not on `<body>`. */
  readonly retry = (): void => {
    this.host.renderRoot.querySelector<HTMLElement>('.base')?.focus();
    void this.task.run();
  };

  /** The face of the current state. */
  render(faces: DataFaces<T>): TemplateResult | typeof nothing {
    if (this.portalSession.expired) return nothing;
    const complete = (value: T) => (faces.empty && faces.isEmpty?.(value) ? faces.empty() : faces.complete(value));
    return this.task.render({
      initial: faces.initial ?? faces.loading,
      pending: () => (faces.stale && this.task.value !== undefined ? complete(this.task.value) : faces.loading()),
      complete,
      error: () => loadErrorFace(faces.error, this.retry),
    }) as TemplateResult;
  }

  /** The visually hidden line that announces loading (present before it has words, so it is spoken). */
  renderStatus(text: string): TemplateResult {
    return html`<p class="visually-hidden" role="status">${this.pending && !this.portalSession.expired ? text : nothing}</p>`;
  }
}
