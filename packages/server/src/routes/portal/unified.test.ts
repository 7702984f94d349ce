import { existsSync, readFileSync } from 'node:fs';
import type { ErrorBody, MagicLinkExchanged, PortalSession, PortalSessionInfo, Product, Subscription, UnifiedBusinessList } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SandboxCards } from '../../payments/sandbox.ts';
import { createBackgroundTasks, type BackgroundTasks } from '../../services/background.ts';
import { listOutboxMail } from '../../store/outbox.ts';
import { createApp } from '../../app.ts';
import { createBusiness } from '../../services/businesses.ts';
import { PUBLIC_URL, TestClock, createHarness, tempPostgresStore, tempSqliteStore, type Harness, type TempStore } from '../../testing/harness.ts';
import { startTestSmtp, type TestSmtp } from '../../testing/smtp.ts';
import { serviceContext } from '../../runtime.ts';

let smtp: TestSmtp;
let background: BackgroundTasks;
let h: Harness;
let other: { id: string; keys: { test: string; live: string } };
let outsider: { id: string; keys: { test: string; live: string } };
const EMAIL = 'pat@example.com';
let subscription: Subscription;
let customerAtHome: string;

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  h.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.7', ...headers }, body: JSON.stringify(body) });
const errorOf = async (response: Response) => ((await response.json()) as ErrorBody).error;
const codeIn = (text: string) => /\/magic#code=(dpx_[A-Za-z0-9_-]{43})/.exec(text)?.[1];
const json = async <T>(response: Response, status: number): Promise<T> => {
  const body = (await response.json()) as T;
  expect(response.status, JSON.stringify(body)).toBe(status);
  return body;
};

/** Signs in the way a customer would: ask, read the email, exchange its code. */
async function signIn(email = EMAIL, mode: 'test' | 'live' = 'test', ip = '198.51.100.8'): Promise<MagicLinkExchanged> {
  const before = smtp.received.length;
  expect((await post('/portal/v1/unified/login', { email, mode }, { 'x-forwarded-for': ip })).status).toBe(202);
  await background.idle();
  const [mail] = (await smtp.waitFor(before + 1)).slice(before);
  return json<MagicLinkExchanged>(await post('/portal/v1/unified/magic-link/exchange', { code: codeIn(mail!.text) }, { 'x-forwarded-for': ip }), 201);
}

beforeAll(async () => {
  smtp = await startTestSmtp();
  background = createBackgroundTasks((name, error) => {
    throw new Error(`background ${name} failed: ${String(error)}`);
  });
  h = await createHarness({ businessInput: { name: 'Home Co', brand: { display_name: 'Home <Co>', primary_color: null } }, deps: { mailer: smtp.mailer, background, trustProxy: true } });
  other = await h.newBusiness({ name: 'Other Co' });
  outsider = await h.newBusiness({ name: 'Outsider Co' });

  const key = h.business.keys.test;
  const plan = await json<Product>(await h.merchant(key, 'POST', '/v1/products', { name: 'Pro', billing_type: 'subscription', price: 900, currency: 'USD', interval: 'month' }), 201);
  const customer = await h.createCustomer(key, { email: 'Pat@Example.com', name: 'Pat', locale: 'sv-SE' });
  customerAtHome = customer.customer_id;
  const card = await json<{ card_token: string }>(await post('/sandbox/v1/tokens', { number: SandboxCards.succeeds, exp_month: 12, exp_year: 2030, cvc: '123' }), 201);
  subscription = await json<Subscription>(
    await h.merchant(key, 'POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: plan.product_id, card_token: card.card_token }),
    201,
  );
  await h.createCustomer(other.keys.test, { email: EMAIL, name: 'Pat O.' });
  // Same email in live mode at Home, and a different email at the outsider: neither shows in test mode.
  await h.createCustomer(h.business.keys.live, { email: EMAIL, name: 'Pat live' });
  await h.createCustomer(outsider.keys.test, { email: 'someone-else@example.com' });
});
afterAll(async () => {
  await h.close();
  await smtp.close();
});

describe('POST /portal/v1/unified/login', () => {
  it('answers the same 202 to known and unknown emails, and emails a known one a link naming every business', async () => {
    const before = smtp.received.length;
    const known = await post('/portal/v1/unified/login', { email: EMAIL, mode: 'test' });
    const unknown = await post('/portal/v1/unified/login', { email: 'nobody@example.com', mode: 'test' });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(await known.text()).toBe(await unknown.text());
    expect([...known.headers.entries()].filter(([name]) => name !== 'x-request-id')).toEqual([...unknown.headers.entries()].filter(([name]) => name !== 'x-request-id'));
    await background.idle();
    const mails = (await smtp.waitFor(before + 1)).slice(before);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail!.to.map((to) => to.toLowerCase())).toEqual([EMAIL]);
    expect(mail!.subject).toBe('Logga in på din fakturering hos Home <Co> och Other Co');
    expect(mail!.html).toContain('Home &lt;Co&gt; och Other Co');
    expect(mail!.html).not.toContain('Outsider');
    expect(codeIn(mail!.text)).toBeDefined();
  });

  it('validates the body and shares the login rate limit per email', async () => {
    expect((await post('/portal/v1/unified/login', { email: 'not-an-email', mode: 'test' })).status).toBe(400);
    expect((await post('/portal/v1/unified/login', { email: EMAIL, mode: 'test', business_id: h.business.id })).status).toBe(400);
    const email = 'limited-unified@example.com';
    for (let i = 0; i < 5; i += 1) expect((await post('/portal/v1/unified/login', { email, mode: 'test' }, { 'x-forwarded-for': `192.0.2.${i}` })).status).toBe(202);
    const limited = await post('/portal/v1/unified/login', { email, mode: 'test' }, { 'x-forwarded-for': '192.0.2.77' });
    expect(limited.status).toBe(429);
    expect((await errorOf(limited)).code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    await background.idle();
  });
});

describe('the unified session', () => {
  // Each test signs in a few times: start each one past the per-email login window.
  beforeEach(() => h.clock.advance(15 * 60_000 + 1));

  it('lists every business where the email is a customer in that mode, with active subscriptions and the latest invoice', async () => {
    const { session_token, expires_at } = await signIn();
    expect(session_token).toMatch(/^dpu_[A-Za-z0-9_-]{43}$/);
    const list = await json<UnifiedBusinessList>(await h.portal(session_token, 'GET', '/portal/v1/unified/businesses'), 200);
    expect(list).toMatchObject({ email: EMAIL, mode: 'test', expires_at });
    expect(list.items.map((item) => item.name)).toEqual(['Home Co', 'Other Co']);
    const [home, elsewhere] = list.items;
    expect(home).toMatchObject({ business_id: h.business.id, customer_id: customerAtHome, active_subscriptions: 1, brand: { display_name: 'Home <Co>' } });
    expect(home!.latest_invoice).toMatchObject({ subscription_id: subscription.subscription_id, status: 'paid', customer_id: customerAtHome });
    expect(elsewhere).toMatchObject({ business_id: other.id, active_subscriptions: 0, latest_invoice: null });

    const live = await signIn(EMAIL, 'live', '198.51.100.9');
    const liveList = await json<UnifiedBusinessList>(await h.portal(live.session_token, 'GET', '/portal/v1/unified/businesses'), 200);
    expect(liveList.items.map((item) => [item.name, item.active_subscriptions, item.latest_invoice])).toEqual([['Home Co', 0, null]]);
  });

  it('opens a business-scoped session at a listed business, never at another, ending with the unified session', async () => {
    const { session_token, expires_at } = await signIn();
    const opened = await json<PortalSession>(await h.portal(session_token, 'POST', `/portal/v1/unified/businesses/${other.id}/session`), 201);
    expect(opened.session_token).toMatch(/^dps_/);
    expect(opened.link).toBe(`https://portal.test/portal#token=${opened.session_token}`);
    // It ends when the unified session does: the time left, counted on the business's test clock.
    const otherNow = (await json<{ now: string }>(await h.merchant(other.keys.test, 'GET', '/v1/test-clock'), 200)).now;
    expect(opened.expires_at).toBe(new Date(Date.parse(otherNow) + Date.parse(expires_at) - h.clock.now().getTime()).toISOString());
    const info = await json<PortalSessionInfo>(await h.portal(opened.session_token, 'GET', '/portal/v1/session'), 200);
    expect(info).toMatchObject({ mode: 'test', business: { business_id: other.id }, customer: { email: EMAIL } });

    // Same-origin only (the hosted pages): no business decides its CORS, so no origin reads it.
    const crossOrigin = await h.portal(session_token, 'GET', '/portal/v1/unified/businesses', { origin: 'https://shop.example' });
    expect(crossOrigin.status).toBe(200);
    expect(crossOrigin.headers.get('access-control-allow-origin')).toBeNull();

    for (const businessId of [outsider.id, 'biz_nope', 'biz_00000000000000000000000000']) {
      const response = await h.portal(session_token, 'POST', `/portal/v1/unified/businesses/${businessId}/session`);
      expect(response.status, businessId).toBe(404);
      expect((await errorOf(response)).code).toBe('not_found');
    }
  });

  it('gives a test-mode business session what is left of the unified one, on that business’s test clock', async () => {
    const { session_token, expires_at } = await signIn();
    const testNow = await h.advanceTestClock(other.keys.test, 10 * 86_400_000);
    const opened = await json<PortalSession>(await h.portal(session_token, 'POST', `/portal/v1/unified/businesses/${other.id}/session`), 201);
    expect(opened.expires_at).toBe(new Date(Date.parse(testNow) + (Date.parse(expires_at) - h.clock.now().getTime())).toISOString());
    expect((await h.portal(opened.session_token, 'GET', '/portal/v1/session')).status).toBe(200);
  });

  it('keeps unified and business-scoped tokens apart', async () => {
    const unified = await signIn();
    const business = await json<PortalSession>(await h.portal(unified.session_token, 'POST', `/portal/v1/unified/businesses/${h.business.id}/session`), 201);
    for (const path of ['/portal/v1/session', '/portal/v1/invoices', `/portal/v1/invoices/${subscription.subscription_id}`, '/portal/v1/payments']) {
      const response = await h.portal(unified.session_token, 'GET', path);
      expect(response.status, path).toBe(401);
      expect((await errorOf(response)).code).toBe('unauthorized');
    }
    for (const [method, path] of [
      ['GET', '/portal/v1/unified/businesses'],
      ['POST', `/portal/v1/unified/businesses/${h.business.id}/session`],
      ['DELETE', '/portal/v1/unified/session'],
    ] as const) {
      const response = await h.portal(business.session_token, method, path);
      expect(response.status, `${method} ${path}`).toBe(401);
      expect((await errorOf(response)).code).toBe('unauthorized');
      expect((await h.app.request(path, { method })).status).toBe(401);
    }
    // A business-scoped code is no unified code either.
    const magic = await json<{ link: string }>(await h.merchant(h.business.keys.test, 'POST', `/v1/customers/${customerAtHome}/customer-portal/magic-link`, {}), 201);
    const response = await post('/portal/v1/unified/magic-link/exchange', { code: new URL(magic.link).hash.replace('#code=', '') });
    expect(response.status).toBe(404);
  });

  it('is single-use, time-bound and revocable, and says where to sign in again', async () => {
    const before = smtp.received.length;
    expect((await post('/portal/v1/unified/login', { email: EMAIL, mode: 'test' }, { 'x-forwarded-for': '198.51.100.10' })).status).toBe(202);
    await background.idle();
    const code = codeIn((await smtp.waitFor(before + 1))[before]!.text)!;
    const attempts = await Promise.all(Array.from({ length: 10 }, () => post('/portal/v1/unified/magic-link/exchange', { code }, { 'x-forwarded-for': '198.51.100.11' })));
    expect(attempts.map((r) => r.status).sort()).toEqual([201, ...Array<number>(9).fill(410)]);
    const used = attempts.find((r) => r.status === 410)!;
    expect(await errorOf(used)).toMatchObject({ code: 'magic_link_used', login_url: 'https://portal.test/test/login' });
    const { session_token } = (await attempts.find((r) => r.status === 201)!.json()) as MagicLinkExchanged;

    const unknown = await post('/portal/v1/unified/magic-link/exchange', { code: `dpx_${'A'.repeat(43)}` });
    expect(unknown.status).toBe(404);

    expect((await h.portal(session_token, 'DELETE', '/portal/v1/unified/session')).status).toBe(204);
    const ended = await h.portal(session_token, 'GET', '/portal/v1/unified/businesses');
    expect(ended.status).toBe(401);
    expect(await errorOf(ended)).toMatchObject({ code: 'session_expired', login_url: 'https://portal.test/test/login' });

    const fresh = await signIn(EMAIL, 'test', '198.51.100.12');
    const expiring = await signIn(EMAIL, 'live', '198.51.100.12');
    h.clock.advance(24 * 60 * 60 * 1000);
    const expired = await h.portal(fresh.session_token, 'GET', '/portal/v1/unified/businesses');
    expect(expired.status).toBe(401);
    expect((await errorOf(expired)).code).toBe('session_expired');
    expect(await errorOf(await h.portal(expiring.session_token, 'GET', '/portal/v1/unified/businesses'))).toMatchObject({ login_url: 'https://portal.test/login' });

    // An old link is expired too.
    const stale = smtp.received.length;
    expect((await post('/portal/v1/unified/login', { email: EMAIL, mode: 'test' }, { 'x-forwarded-for': '198.51.100.13' })).status).toBe(202);
    await background.idle();
    const staleCode = codeIn((await smtp.waitFor(stale + 1))[stale]!.text)!;
    h.clock.advance(24 * 60 * 60 * 1000 + 1);
    expect((await errorOf(await post('/portal/v1/unified/magic-link/exchange', { code: staleCode }, { 'x-forwarded-for': '198.51.100.14' }))).code).toBe('magic_link_expired');
  });

  it('keeps no raw code or token in the database file', async () => {
    const { session_token } = await signIn(EMAIL, 'test', '198.51.100.15');
    const business = await json<PortalSession>(await h.portal(session_token, 'POST', `/portal/v1/unified/businesses/${h.business.id}/session`), 201);
    const file = h.store.location;
    const bytes = [file, `${file}-wal`]
      .filter(existsSync)
      .map((path) => readFileSync(path).toString('latin1'))
      .join('');
    expect(bytes).not.toContain(session_token);
    expect(bytes).not.toContain(session_token.slice(4));
    expect(bytes).not.toContain(business.session_token.slice(4));
    const codes = smtp.received.map((mail) => codeIn(mail.text)).filter((code): code is string => code !== undefined);
    expect(codes.length).toBeGreaterThan(3);
    for (const code of codes) expect(bytes).not.toContain(code.slice(4));
  });
});

describe('unified login without SMTP', () => {
  it('writes test-mode links to the outbox and refuses live mode with 503', async () => {
    const bg = createBackgroundTasks((name, error) => {
      throw new Error(`background ${name} failed: ${String(error)}`);
    });
    const noSmtp = await createHarness({ deps: { background: bg } });
    try {
      await noSmtp.createCustomer(noSmtp.business.keys.test, { email: EMAIL });
      const request = (mode: string) =>
        noSmtp.app.request('/portal/v1/unified/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: EMAIL, mode }) });
      expect((await request('test')).status).toBe(202);
      const live = await request('live');
      expect(live.status).toBe(503);
      expect((await errorOf(live)).code).toBe('email_not_configured');
      await bg.idle();
      const [mail] = await listOutboxMail(noSmtp.store.db, 10);
      expect(codeIn(mail!.text_body)).toBeDefined();
    } finally {
      await noSmtp.close();
    }
  });
});

// The cross-business lookup and the single-use exchange, on both databases.
const backends: [string, () => Promise<TempStore>][] = [['sqlite', tempSqliteStore]];
const databaseUrl = process.env.DATABASE_URL;
if (databaseUrl && /^postgres(ql)?:\/\//.test(databaseUrl)) backends.push(['postgres', () => tempPostgresStore(databaseUrl)]);

describe.each(backends)('unified portal on %s', (_dialect, open) => {
  let temp: TempStore;
  beforeAll(async () => {
    temp = await open();
  });
  afterAll(async () => temp?.cleanup());

  it('counts active subscriptions across businesses, and turns ten simultaneous exchanges into one session', async () => {
    const clock = new TestClock();
    const ctx = serviceContext(temp.store, { clock });
    const bg = createBackgroundTasks((name, error) => {
      throw new Error(`background ${name} failed: ${String(error)}`);
    });
    const app = createApp({ store: temp.store, clock, publicUrl: PUBLIC_URL, background: bg, logger: { info: () => undefined, error: () => undefined } });
    const call = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const first = await createBusiness(ctx, { name: 'Alpha' });
    const second = await createBusiness(ctx, { name: 'Beta' });
    const key = first.apiKeys.test;
    const asMerchant = (k: string, path: string, body: unknown) => call(path, body, { authorization: `Bearer ${k}` });
    const plan = await json<Product>(await asMerchant(key, '/v1/products', { name: 'Pro', billing_type: 'subscription', price: 900, currency: 'USD', interval: 'month' }), 201);
    const customer = await json<{ customer_id: string }>(await asMerchant(key, '/v1/customers', { email: 'race@example.com', name: 'Racer' }), 201);
    for (let i = 0; i < 2; i += 1) {
      const card = await json<{ card_token: string }>(await call('/sandbox/v1/tokens', { number: SandboxCards.succeeds, exp_month: 12, exp_year: 2030, cvc: '123' }), 201);
      await json<Subscription>(await asMerchant(key, '/v1/subscriptions', { customer_id: customer.customer_id, product_id: plan.product_id, card_token: card.card_token }), 201);
    }
    await json(await asMerchant(second.apiKeys.test, '/v1/customers', { email: 'RACE@example.com', name: 'Racer' }), 201);

    expect((await call('/portal/v1/unified/login', { email: 'race@example.com', mode: 'test' })).status).toBe(202);
    await bg.idle();
    const [mail] = await listOutboxMail(temp.store.db, 1);
    const code = codeIn(mail!.text_body)!;
    const responses = await Promise.all(Array.from({ length: 10 }, () => call('/portal/v1/unified/magic-link/exchange', { code })));
    expect(responses.map((response) => response.status).sort()).toEqual([201, ...Array<number>(9).fill(410)]);
    expect(await temp.store.db.selectFrom('portal_unified_sessions').select('id').execute()).toHaveLength(1);

    const { session_token } = (await responses.find((response) => response.status === 201)!.json()) as MagicLinkExchanged;
    const list = await json<UnifiedBusinessList>(await app.request('/portal/v1/unified/businesses', { headers: { authorization: `Bearer ${session_token}` } }), 200);
    expect(list.items.map((item) => [item.name, item.active_subscriptions, item.latest_invoice?.status ?? null])).toEqual([
      ['Alpha', 2, 'paid'],
      ['Beta', 0, null],
    ]);
  });
});
