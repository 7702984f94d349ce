/**
 * Keeping every section current after a write: an element that changed something fires
 * `dodo-portal-changed` with the resources it touched, and each data element refetches what it
 * shows when that set names it. The event travels through the page (`window`), so sections in one
 * `<dodo-portal>`, and elements under separate portals on the same page, stay in step alike.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { PortalChangedDetail, PortalChangedEvent, PortalResource } from '../events.ts';

/** What each public write event changed on the server (the only place that knows it). */
export const CHANGES: Readonly<Record<string, readonly PortalResource[]>> = {
  'dodo-plan-changed': ['subscriptions', 'invoices', 'payments', 'profile'],
  'dodo-subscription-cancelled': ['subscriptions', 'license-keys'],
  'dodo-subscription-resumed': ['subscriptions'],
  'dodo-payment-method-updated': ['payment-methods', 'subscriptions'],
  'dodo-subscription-reactivated': ['subscriptions', 'invoices', 'payments', 'payment-methods'],
  'dodo-invoice-paid': ['invoices', 'payments', 'subscriptions'],
  'dodo-payment-failed': ['payments'],
  'dodo-profile-updated': ['profile'],
  'dodo-key-instance-deactivated': ['license-keys'],
};

const event = <T>(type: string, detail: T, cancelable = false) => new CustomEvent(type, { bubbles: true, composed: true, cancelable, detail });

/**
 * A bubbling, composed event; returns `false` when a listener called `preventDefault()`. A write's
 * event is followed by `dodo-portal-changed` naming what it changed, so other sections refetch.
 */
export function emit<T>(target: EventTarget, type: string, detail: T, cancelable = false): boolean {
  const allowed = target.dispatchEvent(event(type, detail, cancelable));
  const resources = CHANGES[type];
  if (resources) target.dispatchEvent(event<PortalChangedDetail>('dodo-portal-changed', { resources }));
  return allowed;
}

/**
 * Re-runs `run` (a data Task) when another element reports a change to one of `resources`. The
 * element that made the change updates itself; several changes in one turn refetch once.
 */
export class RefreshController implements ReactiveController {
  #queued = false;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly resources: readonly PortalResource[],
    private readonly run: () => unknown,
  ) {
    host.addController(this);
  }

  // Capture on `window`: heard from anywhere on the page, even if the page stops its propagation.
  hostConnected(): void {
    addEventListener('dodo-portal-changed', this.#onChange, true);
  }

  hostDisconnected(): void {
    removeEventListener('dodo-portal-changed', this.#onChange, true);
  }

  readonly #onChange = (event: PortalChangedEvent): void => {
    if (this.#queued || event.composedPath()[0] === this.host || !event.detail?.resources?.some((name) => this.resources.includes(name))) return;
    this.#queued = true;
    queueMicrotask(() => {
      this.#queued = false;
      if (this.host.isConnected) this.run();
    });
  };
}
