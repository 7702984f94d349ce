/**
 * Test helpers for the subscription manager, plan switcher and profile: mount one inside a
 * `<dodo-portal>`, record request bodies and headers, and find what has focus through shadow roots.
 */
import { fixture, waitUntil } from '@open-wc/testing';
import { html, unsafeStatic } from 'lit/static-html.js';
import { http, type HttpHandler } from 'msw';
import '../../define/dodo-subscription-manager.ts';
import '../../define/dodo-plan-switcher.ts';
import '../../define/dodo-profile.ts';
import { MOCK_API_BASE, MOCK_SESSION_TOKEN } from '../../mocks/handlers.ts';
import { shadow, text } from '../../test/harness.ts';

export interface MountOptions {
  token?: string;
  locale?: string;
  subscriptionId?: string;
}

/** `<tag>` inside a `<dodo-portal>`, as a merchant composes them. */
export async function mount<T extends HTMLElement>(tag: string, { token = MOCK_SESSION_TOKEN, locale = 'en', subscriptionId }: MountOptions = {}): Promise<T> {
  /* eslint-disable lit/binding-positions, lit/no-invalid-html -- lit/static-html: an unsafeStatic() tag name is allowed */
  const portal = await fixture(html`
    <dodo-portal api-base=${MOCK_API_BASE} session-token=${token} locale=${locale}>
      <${unsafeStatic(tag)} subscription-id=${subscriptionId ?? ''}></${unsafeStatic(tag)}>
    </dodo-portal>
  `);
  /* eslint-enable lit/binding-positions, lit/no-invalid-html */
  return portal.querySelector(tag) as T;
}

export interface Recorded {
  method: string;
  path: string;
  body: unknown;
  idempotencyKey: string | null;
}

/**
 * Handlers that record every portal write (method, path, JSON body, Idempotency-Key) into
 * `log` and then let the next handler answer.
 */
export function recordWrites(log: Recorded[]): HttpHandler[] {
  const record = async ({ request }: { request: Request }) => {
    const raw = await request.clone().text();
    log.push({
      method: request.method,
      path: new URL(request.url).pathname.replace('/portal/v1/', ''),
      body: raw ? JSON.parse(raw) : undefined,
      idempotencyKey: request.headers.get('idempotency-key'),
    });
    return undefined;
  };
  return [http.post('*/portal/v1/*', record), http.patch('*/portal/v1/*', record)];
}

/** The element that has focus, looking through open shadow roots. */
export function deepActiveElement(): Element | null {
  let active: Element | null = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

export async function waitForSelector<E extends Element = Element>(root: Element, selector: string): Promise<E> {
  await waitUntil(() => shadow(root).querySelector(selector), `${selector} never appeared in <${root.localName}>`, { timeout: 5_000 });
  return shadow(root).querySelector<E>(selector)!;
}

/** The text of every `[part=…]` match, whitespace collapsed. */
export const partTexts = (root: Element, part: string): string[] => [...shadow(root).querySelectorAll(`[part~="${part}"]`)].map((element) => text(element));

/** Records every `type` event on `document` until `stop()`. */
export function listen<T extends Event>(type: string): { events: T[]; stop(): void } {
  const events: T[] = [];
  const listener = (event: Event) => events.push(event as T);
  document.addEventListener(type, listener);
  return { events, stop: () => document.removeEventListener(type, listener) };
}
