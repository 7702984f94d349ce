/**
 * Test harness: msw in the page, and helpers that read and drive the elements the way a
 * customer would (visible text, buttons by their name).
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { setupWorker } from 'msw/browser';
import type { HttpHandler } from 'msw';
import '../define/dodo-portal.ts';
import '../define/dodo-invoice-list.ts';
import '../define/dodo-portal-login.ts';
import type { DodoInvoiceList } from '../components/invoice-list/invoice-list.ts';
import type { DodoPortal } from '../components/portal/portal.ts';
import { MOCK_API_BASE, MOCK_SESSION_TOKEN } from '../mocks/handlers.ts';

export const worker = setupWorker();

export interface RecordedRequest {
  url: URL;
  method: string;
  authorization: string | null;
  idempotencyKey: string | null;
  /** The JSON body, once read (soon after the request started). */
  body?: unknown;
  /** The `Accept-Language` the element sent (the server writes its own words in it). */
  language: string | null;
}

/** Every portal API request the page made since the last `resetMocks()`. */
export const requests: RecordedRequest[] = [];

let started: Promise<unknown> | undefined;

export async function startMocks(): Promise<void> {
  if (!started) {
    worker.events.on('request:start', ({ request }) => {
      const url = new URL(request.url);
      if (!url.pathname.startsWith('/portal/')) return;
      const recorded: RecordedRequest = {
        url,
        method: request.method,
        authorization: request.headers.get('authorization'),
        idempotencyKey: request.headers.get('idempotency-key'),
        language: request.headers.get('accept-language'),
      };
      requests.push(recorded);
      if (request.method !== 'GET')
        void request
          .clone()
          .text()
          .then(
            (body) => (recorded.body = body ? (JSON.parse(body) as unknown) : undefined),
            () => undefined,
          );
    });
    started = worker.start({
      quiet: true,
      onUnhandledRequest: (request, print) => {
        if (new URL(request.url).pathname.startsWith('/portal/')) print.error();
      },
    });
  }
  await started;
}

export function useHandlers(handlers: HttpHandler[]): void {
  worker.resetHandlers(...handlers);
  requests.length = 0;
}

export function apiRequests(path: string): RecordedRequest[] {
  return requests.filter((request) => request.url.pathname === `/portal/v1/${path}`);
}

export interface ListOptions {
  token?: string;
  locale?: string;
  pageSize?: number;
}

/** `<dodo-invoice-list>` inside a `<dodo-portal>`, as a merchant composes them. */
export async function mountList({ token = MOCK_SESSION_TOKEN, locale = 'en', pageSize = 10 }: ListOptions = {}) {
  const portal = await fixture<DodoPortal>(html`
    <dodo-portal api-base=${MOCK_API_BASE} session-token=${token} locale=${locale}>
      <dodo-invoice-list page-size=${pageSize}></dodo-invoice-list>
    </dodo-portal>
  `);
  const list = portal.querySelector('dodo-invoice-list')!;
  return { portal, list };
}

const shadow = (element: Element): ShadowRoot => {
  if (!element.shadowRoot) throw new Error(`<${element.localName}> has no shadow root`);
  return element.shadowRoot;
};

const text = (element: Element | null | undefined): string => (element?.textContent ?? '').replace(/\s+/g, ' ').trim();

/** The visible cells of each invoice row: [number, date, status, total, action]. */
export function rows(list: DodoInvoiceList): string[][] {
  return [...shadow(list).querySelectorAll('tr[part="row"]')].map((row) => [...row.querySelectorAll('th, td')].map((cell) => text(cell)));
}

export function invoiceNumbers(list: DodoInvoiceList): string[] {
  return rows(list).map((cells) => cells[0] ?? '');
}

/** All text a sighted user can read in the element (its shadow root). */
export function visibleText(element: Element): string {
  return text(shadow(element).querySelector('[part="base"]'));
}

/** A button by its visible text or accessible name; throws if absent. */
export function button(element: Element, name: string): HTMLButtonElement {
  const found = [...shadow(element).querySelectorAll('button')].find((candidate) => text(candidate) === name || candidate.getAttribute('aria-label') === name);
  if (!found) throw new Error(`No button "${name}" in <${element.localName}>`);
  return found;
}

export const isDisabled = (control: HTMLButtonElement): boolean => control.disabled || control.getAttribute('aria-disabled') === 'true';

export async function waitForText(element: Element, expected: string, message?: string): Promise<void> {
  await waitUntil(() => visibleText(element).includes(expected), message ?? `"${expected}" never appeared; text was: ${visibleText(element)}`, { timeout: 5_000 });
}

export async function waitForRows(list: DodoInvoiceList, first?: string): Promise<void> {
  await waitUntil(
    () => rows(list).length > 0 && (first === undefined || invoiceNumbers(list)[0] === first),
    `rows${first ? ` starting at ${first}` : ''} never appeared; saw ${invoiceNumbers(list).join(', ')}`,
    { timeout: 5_000 },
  );
}

/**
 * The element's confirmation line ("Saved", "Cancelled"…) as a sighted user reads it: '' unless it
 * is on screen (not screen-reader-only) and a `role="status"` live region.
 */
export function confirmationText(element: Element): string {
  const line = shadow(element).querySelector<HTMLElement>('[part="confirmation"]');
  const seen = line && line.getAttribute('role') === 'status' && line.checkVisibility() && line.offsetHeight > 1 && line.offsetWidth > 1;
  return seen ? text(line) : '';
}

/** The visible text of the portal's one expired face, for `element` or the `<dodo-portal>` around it. */
export function expiredText(element: Element): string {
  const portal = element.localName === 'dodo-portal' ? element : element.closest('dodo-portal');
  const face = portal && shadow(portal).querySelector<HTMLElement>('[part="expired"]');
  return face?.checkVisibility() ? text(face) : '';
}

/** Wait for the portal's expired face to say `expected`; a section inside it must show nothing. */
export async function waitForExpired(element: Element, expected = 'Your session has expired'): Promise<void> {
  await waitUntil(() => expiredText(element).includes(expected), `the expired face never said "${expected}": ${expiredText(element)}`, { timeout: 5_000 });
  const own = element.localName === 'dodo-portal' ? '' : text(shadow(element).querySelector('[part="base"]'));
  if (own) throw new Error(`<${element.localName}> still says "${own}" beside the expired face`);
}

/** Click a button like a user: only if it is enabled. */
export function click(control: HTMLButtonElement): void {
  if (isDisabled(control)) throw new Error(`Button "${text(control)}" is disabled`);
  control.click();
}

/**
 * Nothing sticks out at the current viewport: neither the document nor the element scrolls
 * sideways, and every cell, value and button of the element lies inside its box and shows all of
 * its content. (The visually hidden header row of a stacked table is left out: it is 1px on purpose.)
 */
export function expectNoOverflow(element: HTMLElement): void {
  const page = document.documentElement;
  expect(page.scrollWidth, 'the page scrolls sideways').to.be.at.most(page.clientWidth);
  expect(element.scrollWidth, `<${element.localName}> scrolls sideways`).to.be.at.most(element.clientWidth);
  const box = element.getBoundingClientRect();
  const parts = [...shadow(element).querySelectorAll<HTMLElement>('button, th, td, dt, dd, [part="base"]')].filter((node) => !node.closest('thead') && node.getClientRects().length > 0);
  expect(parts.length, 'nothing was measured').to.be.greaterThan(0);
  for (const node of parts) {
    const rect = node.getBoundingClientRect();
    expect(
      rect.left >= box.left - 0.5 && rect.right <= box.right + 0.5,
      `"${text(node)}" sticks out of <${element.localName}> (${rect.left}–${rect.right} of ${box.left}–${box.right})`,
    ).to.equal(true);
    expect(node.scrollWidth, `"${text(node)}" is clipped`).to.be.at.most(node.clientWidth + 1);
  }
}

export interface AxNode {
  role: string;
  name?: string;
  children?: AxNode[];
}

/** The page's whole accessibility tree, shadow roots included (the `ax-tree` command of web-test-runner.config.mjs). */
export const axTree = (): Promise<AxNode> => executeServerCommand<AxNode, undefined>('ax-tree');

/** A node of `role` named `name` (case aside: Chromium names headers in their text-transform, "DATE"). */
export function axNode(tree: AxNode, role: string, name: string): AxNode | undefined {
  if (tree.role === role && tree.name?.toLowerCase() === name.toLowerCase()) return tree;
  for (const child of tree.children ?? []) {
    const found = axNode(child, role, name);
    if (found) return found;
  }
  return undefined;
}

export { shadow, text };
