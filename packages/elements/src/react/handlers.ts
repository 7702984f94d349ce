/**
 * Which events each element fires, and the typed `onDodo…` React props they become.
 *
 * React 19 passes a custom element's events through only by their exact name (`ondodo-plan-changed`),
 * so the wrappers map camel-cased props onto the real `dodo-*` events with `@lit/react`. The event
 * lists mirror the elements' `@fires`/`@event` docs (custom-elements.json); the examples' end-to-end
 * test fails when the two drift apart.
 */
import type { EventName } from '@lit/react';
import type { SessionExpiredEvent } from '../events.ts';

/** Every `dodo-*` event typed in `GlobalEventHandlersEventMap` (see events.ts). */
export type DodoEventName = Extract<keyof GlobalEventHandlersEventMap, `dodo-${string}`>;

/** `dodo-plan-changed` → `DodoPlanChanged`. */
type Pascal<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Capitalize<Head>}${Pascal<Tail>}` : Capitalize<S>;

/** `{ onDodoPlanChanged: EventName<PlanChangedEvent>, … }` for the given event names. */
export type Handlers<Name extends DodoEventName> = {
  [N in Name as `on${Pascal<N>}`]: EventName<GlobalEventHandlersEventMap[N]>;
};

/** The events each element fires, by tag. */
export const elementEvents = {
  'dodo-portal': ['dodo-session-expired'],
  'dodo-invoice-list': ['dodo-invoice-download', 'dodo-invoice-paid', 'dodo-portal-changed', 'dodo-session-expired'],
  'dodo-transaction-list': ['dodo-invoice-download', 'dodo-session-expired'],
  'dodo-subscription-manager': ['dodo-subscription-cancelled', 'dodo-subscription-resumed', 'dodo-payment-method-requested', 'dodo-portal-changed', 'dodo-session-expired'],
  'dodo-plan-switcher': ['dodo-plan-change-request', 'dodo-plan-changed', 'dodo-payment-method-requested', 'dodo-portal-changed', 'dodo-session-expired'],
  'dodo-payment-method-editor': ['dodo-payment-method-updated', 'dodo-subscription-reactivated', 'dodo-payment-failed', 'dodo-portal-changed', 'dodo-session-expired'],
  'dodo-profile': ['dodo-profile-updated', 'dodo-portal-changed', 'dodo-session-expired'],
  'dodo-key-vault': ['dodo-key-copied', 'dodo-key-instance-deactivated', 'dodo-portal-changed', 'dodo-session-expired'],
  'dodo-portal-login': ['dodo-login-link-requested'],
  'dodo-unified-portal': ['dodo-session-expired'],
} as const satisfies Record<string, readonly DodoEventName[]>;

/** The `@lit/react` event map of one element: `onDodoSessionExpired` → `'dodo-session-expired'`, … */
export function handlers<const Names extends readonly DodoEventName[]>(names: Names): Handlers<Names[number]> {
  const pascal = (name: string) => name.replace(/(?:^|-)([a-z])/g, (_, letter: string) => letter.toUpperCase());
  return Object.fromEntries(names.map((name) => [`on${pascal(name)}`, name])) as Handlers<Names[number]>;
}

// Keeps the `GlobalEventHandlersEventMap` augmentation of events.ts in every program that uses this file.
export type { SessionExpiredEvent };
