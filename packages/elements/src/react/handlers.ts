/**
 * Which events each element fires, and the typed `onDodo…` React props they become.
 *
 * React 19 passes a custom element's events through only by their exact name (`ondodo-plan-changed`),
 * so the wrappers map camel-cased props onto the real `dodo-*` events with `@lit/react`. The event
 * lists are the elements' `@fires`/`@event` docs (custom-elements.json), written into src/catalogue.ts.
 */
import type { EventName } from '@lit/react';
import { elementEvents } from '../catalogue.ts';
import type { SessionExpiredEvent } from '../events.ts';

/** Every `dodo-*` event typed in `GlobalEventHandlersEventMap` (see events.ts). */
export type DodoEventName = Extract<keyof GlobalEventHandlersEventMap, `dodo-${string}`>;

/** `dodo-plan-changed` → `DodoPlanChanged`. */
type Pascal<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Capitalize<Head>}${Pascal<Tail>}` : Capitalize<S>;

/** `{ onDodoPlanChanged: EventName<PlanChangedEvent>, … }` for the given event names. */
export type Handlers<Name extends DodoEventName> = {
  [N in Name as `on${Pascal<N>}`]: EventName<GlobalEventHandlersEventMap[N]>;
};

/** The events each element fires, by tag: read from each element's `@event` JSDoc into the catalogue (scripts/catalogue.mjs). */
export { elementEvents };

/** The `@lit/react` event map of one element: `onDodoSessionExpired` → `'dodo-session-expired'`, … */
export function handlers<const Names extends readonly DodoEventName[]>(names: Names): Handlers<Names[number]> {
  const pascal = (name: string) => name.replace(/(?:^|-)([a-z])/g, (_, letter: string) => letter.toUpperCase());
  return Object.fromEntries(names.map((name) => [`on${pascal(name)}`, name])) as Handlers<Names[number]>;
}

// Keeps the `GlobalEventHandlersEventMap` augmentation of events.ts in every program that uses this file.
export type { SessionExpiredEvent };
