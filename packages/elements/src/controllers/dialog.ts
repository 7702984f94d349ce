/**
 * One modal `<dialog>` of an element: opened with what it is about and the button that opened it,
 * shown with `showModal()` once rendered (the browser traps focus inside it and makes the page
 * behind it inert), and on close (its buttons, Escape, or the flow done) focus goes back to that
 * button, or, when it is gone, to a fallback the element names. The element renders the `<dialog>`
 * while `value` is set and binds `@close=${dialog.close}`.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { SessionController } from './session.ts';

export interface DialogOptions<T> {
  /** Where focus goes when the opening button is no longer on the page. */
  fallback?: (closed: T) => HTMLElement | null | undefined;
}

export class DialogController<T> implements ReactiveController {
  #openValue: T | null = null;
  #opener: HTMLElement | null = null;
  /** Counts `open()` calls, and which of them the shown `<dialog>` is for. */
  #opened = 0;
  #shown = 0;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement & { renderRoot: ParentNode },
    private readonly portalSession: SessionController,
    private readonly dialogOptions: DialogOptions<T> = {},
  ) {
    host.addController(this);
  }

  /** What the open dialog is about, or `null` when closed. */
  get value(): T | null {
    return this.#openValue;
  }

  /** Changes what the open dialog shows (nothing when closed). */
  set value(value: T | null) {
    if (this.#openValue === null) return;
    this.#openValue = value;
    this.host.requestUpdate();
  }

  get #dialogElement(): HTMLDialogElement | null {
    return this.host.renderRoot.querySelector('dialog');
  }

  hostUpdated(): void {
    const element = this.#dialogElement;
    if (this.#openValue !== null && element && !element.open) {
      element.showModal();
      this.#shown = this.#opened;
    }
  }

  /** `trigger`: the button that opened it (an event's `currentTarget`), where focus returns. */
  open(value: T, trigger: EventTarget | null): void {
    this.#opened += 1;
    this.#openValue = value;
    this.#opener = trigger instanceof HTMLElement ? trigger : null;
    this.host.requestUpdate();
  }

  /**
   * Closes the dialog and returns focus. `toFallback`: the opening button is stale (e.g. its row
   * was replaced and Lit may reuse the button for another), so focus goes to the fallback.
   */
  readonly close = async (toFallback: unknown = false): Promise<void> => {
    const closed = this.#openValue;
    if (closed === null) return;
    // The native `close` event is queued as a task: a customer (or a keyboard) quick enough can
    // open the dialog again before it arrives. It then speaks of the dialog that was, not of this one.
    if (toFallback instanceof Event && (this.#dialogElement?.open || this.#shown !== this.#opened)) return;
    const trigger = toFallback === true ? null : this.#opener;
    // State first: a render before the native `close` event must not reopen it.
    this.#openValue = null;
    this.#opener = null;
    this.#dialogElement?.close();
    this.host.requestUpdate();
    await this.host.updateComplete;
    // Once the session ended, the portal's expired face takes focus.
    if (this.portalSession.expired) return;
    (trigger?.isConnected ? trigger : this.dialogOptions.fallback?.(closed))?.focus();
  };
}
