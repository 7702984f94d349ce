/**
 * Letting a customer out again, over the real server (TCP), on the store DATABASE_URL selects:
 * the merchant's logout revokes every portal session and unused magic link of the customer
 * (issue 12 item 5), and signing out of the unified portal ends the business sessions it opened
 * (item 16).
 */
import type { Customer, ErrorBody, MagicLink, MagicLinkExchanged, PortalAccessRevoked, PortalSession } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOutboxMail } from '../store/outbox.ts';
import { eventually, expectJson as json, startServed, type Served } from '../testing/served.ts';

let s: Served;
beforeAll(async () => {
  s = await startServed();
});
afterAll(async () => s?.close());

const codeOf = (link: string) => new URL(link).hash.replace(/^#code=/, '');
const errorCode = async (response: Response) => ((await response.json()) as ErrorBody).error.code;

/** The portal calls a customer's page makes, reads and a write: all must answer alike. */
const portalCalls = (token: string) => [
  s.portal(token, 'GET', '/portal/v1/session'),
  s.portal(token, 'GET', '/portal/v1/invoices'),
  s.portal(token, 'GET', '/portal/v1/subscriptions'),
  s.portal(token, 'POST', '/portal/v1/subscriptions/sub_doesnotmatter/cancel', {}),
];

describe('POST /v1/customers/{id}/customer-portal/sessions/revoke', () => {
  it('ends every portal session and unused magic link of the customer: 401 on the portal API, and old links cannot be exchanged', async () => {
    const key = s.business.keys.test;
    const customer = await json<Customer>(await s.merchant(key, 'POST', '/v1/customers', { email: 'ada@example.com', name: 'Ada' }), 201);
    const other = await json<Customer>(await s.merchant(key, 'POST', '/v1/customers', { email: 'bob@example.com', name: 'Bob' }), 201);
    const path = (id: string) => `/v1/customers/${id}/customer-portal`;

    const embedded = await json<PortalSession>(await s.merchant(key, 'POST', `${path(customer.customer_id)}/session`, { ttl_seconds: 3600 }), 201);
    const hosted = await json<PortalSession>(await s.merchant(key, 'POST', `${path(customer.customer_id)}/session`), 201);
    const link = await json<MagicLink>(await s.merchant(key, 'POST', `${path(customer.customer_id)}/magic-link`), 201);
    const used = await json<MagicLink>(await s.merchant(key, 'POST', `${path(customer.customer_id)}/magic-link`), 201);
    const fromLink = await json<MagicLinkExchanged>(await s.post('/portal/v1/magic-link/exchange', { code: codeOf(used.link) }), 201);
    const bobs = await json<PortalSession>(await s.merchant(key, 'POST', `${path(other.customer_id)}/session`), 201);

    for (const token of [embedded.session_token, hosted.session_token, fromLink.session_token]) {
      expect((await s.portal(token, 'GET', '/portal/v1/session')).status).toBe(200);
    }

    const revoked = await json<PortalAccessRevoked>(await s.merchant(key, 'POST', `${path(customer.customer_id)}/sessions/revoke`), 200);
    expect(revoked).toEqual({ revoked_sessions: 3, revoked_links: 1 });

    for (const token of [embedded.session_token, hosted.session_token, fromLink.session_token]) {
      for (const response of await Promise.all(portalCalls(token))) {
        expect(response.status).toBe(401);
        expect(await errorCode(response)).toBe('session_expired');
      }
    }
    const exchange = await s.post('/portal/v1/magic-link/exchange', { code: codeOf(link.link) });
    expect(exchange.status).toBe(410);
    expect(await errorCode(exchange)).toBe('magic_link_expired');

    // Another customer's session is untouched; again revokes nothing; a new session works.
    expect((await s.portal(bobs.session_token, 'GET', '/portal/v1/session')).status).toBe(200);
    expect(await json<PortalAccessRevoked>(await s.merchant(key, 'POST', `${path(customer.customer_id)}/sessions/revoke`), 200)).toEqual({ revoked_sessions: 0, revoked_links: 0 });
    const fresh = await json<PortalSession>(await s.merchant(key, 'POST', `${path(customer.customer_id)}/session`), 201);
    expect((await s.portal(fresh.session_token, 'GET', '/portal/v1/session')).status).toBe(200);
  });

  it('keeps to the key: a live key does not end test-mode sessions, an unknown customer is 404, no key is 401', async () => {
    const key = s.business.keys.test;
    const customer = await json<Customer>(await s.merchant(key, 'POST', '/v1/customers', { email: 'cy@example.com', name: 'Cy' }), 201);
    const session = await json<PortalSession>(await s.merchant(key, 'POST', `/v1/customers/${customer.customer_id}/customer-portal/session`), 201);
    const live = await s.merchant(s.business.keys.live, 'POST', `/v1/customers/${customer.customer_id}/customer-portal/sessions/revoke`);
    expect(live.status).toBe(404);
    expect((await s.portal(session.session_token, 'GET', '/portal/v1/session')).status).toBe(200);
    expect((await fetch(`${s.url}/v1/customers/${customer.customer_id}/customer-portal/sessions/revoke`, { method: 'POST' })).status).toBe(401);
  });
});

describe('DELETE /portal/v1/unified/session', () => {
  it('also ends the business sessions opened through the unified session', async () => {
    const key = s.business.keys.test;
    await json<Customer>(await s.merchant(key, 'POST', '/v1/customers', { email: 'uma@example.com', name: 'Uma' }), 201);
    // Test mode without SMTP: the sign-in email is kept in the outbox, where the test reads it.
    expect((await s.post('/portal/v1/unified/login', { email: 'uma@example.com', mode: 'test' })).status).toBe(202);
    const mail = await eventually(async () => (await listOutboxMail(s.server.store.db, 50)).find((m) => m.to_address === 'uma@example.com'), 10_000, 'the unified sign-in email');
    const code = /#code=(dpx_[A-Za-z0-9_-]{43})/.exec(mail.text_body)?.[1];
    const unified = await json<MagicLinkExchanged>(await s.post('/portal/v1/unified/magic-link/exchange', { code }), 201);
    const child = await json<PortalSession>(await s.portal(unified.session_token, 'POST', `/portal/v1/unified/businesses/${s.business.id}/session`), 201);
    const second = await json<PortalSession>(await s.portal(unified.session_token, 'POST', `/portal/v1/unified/businesses/${s.business.id}/session`), 201);
    expect((await s.portal(child.session_token, 'GET', '/portal/v1/session')).status).toBe(200);

    expect((await s.portal(unified.session_token, 'DELETE', '/portal/v1/unified/session')).status).toBe(204);

    expect((await s.portal(unified.session_token, 'GET', '/portal/v1/unified/businesses')).status).toBe(401);
    for (const token of [child.session_token, second.session_token]) {
      for (const response of await Promise.all(portalCalls(token))) {
        expect(response.status).toBe(401);
        expect(await errorCode(response)).toBe('session_expired');
      }
    }
  });
});
