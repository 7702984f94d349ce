/**
 * A write that must happen once (a charge): one `Idempotency-Key` per user intent, sent again when
 * the same intent is retried after an answer that may not have been the server's last word (no
 * answer, a 5xx, `idempotency_key_in_progress`), and dropped once the server has answered it or the
 * intent changes (`reset()`). Also the busy flag that keeps a second click from sending twice.
 */
import type { ReactiveControllerHost } from 'lit';
import { PortalApiError } from '@dodo-portal/wire/client';

/** 128 random bits; `randomUUID` needs a secure context, which the session token needs anyway. */
export const newIdempotencyKey = (): string => crypto.randomUUID?.() ?? Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');

/** Try again with the same key: the server never answered, or answered that it is still working. */
export const isRetryable = (error: unknown): boolean => !(error instanceof PortalApiError) || error.status === 0 || error.status >= 500 || error.code === 'idempotency_key_in_progress';

/** Needs no lifecycle hook: it only re-renders the host when `busy` changes. */
export class SubmitController {
  #intentKey: string | null = null;
  #submitting = false;

  constructor(private readonly host: ReactiveControllerHost) {}

  /** A request is in flight. */
  get busy(): boolean {
    return this.#submitting;
  }

  /** The intent changed (another card, another plan, a new dialog): the next send gets a new key. */
  reset(): void {
    this.#intentKey = null;
  }

  /**
   * Sends `request` with this intent's key; `undefined` (nothing sent) while one is in flight.
   * Rethrows the request's error, keeping the key only when a retry must reuse it.
   */
  async run<R>(request: (idempotencyKey: string) => Promise<R>): Promise<R | undefined> {
    if (this.#submitting) return undefined;
    this.#intentKey ??= newIdempotencyKey();
    this.#submitting = true;
    this.host.requestUpdate();
    try {
      const result = await request(this.#intentKey);
      this.#intentKey = null;
      return result;
    } catch (error) {
      if (!isRetryable(error)) this.#intentKey = null;
      throw error;
    } finally {
      this.#submitting = false;
      this.host.requestUpdate();
    }
  }
}
