import { readFileSync, existsSync } from 'node:fs';
import type { ErrorBody, MagicLink, MagicLinkExchanged, PortalInvite, PortalSession, PortalSessionInfo } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { createMemoryRateLimiter } from '../http/rate-limit.ts';
import { createBackgroundTasks, type BackgroundTasks } from '../services/background.ts';
import { createBusiness } from '../services/businesses.ts';
import { createCustomer } from '../services/customers.ts';
import { PUBLIC_URL, TestClock, createHarness, tempPostgresStore, tempSqliteStore, type Harness, type TempStore } from '../testing/harness.ts';
import { startTestSmtp, type TestSmtp } from '../testing/smtp.ts';
import { serviceContext } from '../runtime.ts';

let smtp: TestSmtp;
let h: Harness;
let background: BackgroundTasks;
let noMail: Harness;

beforeAll(async () => {
  smtp = await startTestSmtp();
  background = createBackgroundTasks((name, error) => {
    throw new Error(`background ${name} failed: ${String(error)}`);
  });
  h = await createHarness({
    businessInput: { name: 'Acme Cloud AB', brand: { display_name: 'Acme <Cloud> & "Co"', primary_color: '#4f46e5' }, returnUrl: 'https://acme.example/account' },
    deps: { mailer: smtp.mailer, background, trustProxy: true },
  });
  noMail = await createHarness();
});
afterAll(async () => {
  await h.close();
  await noMail.close();
  await smtp.close();
});

const errorOf = async (response: Response) => ((await response.json()) as ErrorBody).error;
const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
const codeOf = (link: string) => new URL(link).hash.replace(/^#code=/, '');
const exchange = (app: Harness['app'], code: string, ip = '203.0.113.1') => app.request('/portal/v1/magic-link/exchange', json({ code }, { 'x-forwarded-for': ip }));
const login = (app: Harness['app'], body: unknown, ip = '198.51.100.1') => app.request('/portal/v1/login', json(body, { 'x-forwarded-for': ip }));
const createSession = async (harness: Harness, customerId: string, body: unknown) => {
  const response = await harness.merchant(harness.business.keys.test, 'POST', `/v1/customers/${customerId}/customer-portal/session`, body);
  expect(response.status).toBe(201);
  return (await response.json()) as PortalSession;
};
const linkIn = (text: string) => /https:\/\/portal\.test\/\S+/.exec(text)?.[0];

describe('POST /v1/customers/{id}/customer-portal/session with send_email', () => {
  it('emails the portal link to the customer in their language, with every value escaped', async () => {
    const customer = await h.createCustomer(h.business.keys.test, { name: 'Åsa <b>Öberg</b>', locale: 'sv-SE' });
    const before = smtp.received.length;
    const session = await createSession(h, customer.customer_id, { send_email: true, return_url: 'https://acme.example/back' });
    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    expect(mail!.to).toEqual([customer.email]);
    expect(mail!.subject).toBe('Din länk till kundportalen hos Acme <Cloud> & "Co"');
    expect(mail!.text).toContain('Hej Åsa <b>Öberg</b>!');
    expect(linkIn(mail!.text)).toBe(session.link);
    expect(mail!.html).toContain('Öppna kundportalen');
    expect(mail!.html).toContain('Acme &lt;Cloud&gt; &amp; &quot;Co&quot;');
    expect(mail!.html).toContain('Åsa &lt;b&gt;Öberg&lt;/b&gt;');
    expect(mail!.html).not.toContain('<b>Öberg');
    expect(mail!.html).toContain(`href="${session.link}"`);
    expect(mail!.html).toContain('#4f46e5');
    expect((await h.portal(session.session_token, 'GET', '/portal/v1/session')).status).toBe(200);
  });

  it('writes English for other locales', async () => {
    const customer = await h.createCustomer(h.business.keys.test, { name: 'Grace', locale: 'en-GB' });
    const before = smtp.received.length;
    await createSession(h, customer.customer_id, { send_email: true });
    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    expect(mail!.subject).toBe('Your billing portal link for Acme <Cloud> & "Co"');
    expect(mail!.text).toContain('Hi Grace,');
  });

  it('answers 503 email_not_configured in live mode without SMTP, and opens no session', async () => {
    const customer = await noMail.createCustomer(noMail.business.keys.live);
    const response = await noMail.merchant(noMail.business.keys.live, 'POST', `/v1/customers/${customer.customer_id}/customer-portal/session`, { send_email: true });
    expect(response.status).toBe(503);
    expect((await errorOf(response)).code).toBe('email_not_configured');
    const sessions = await noMail.store.db.selectFrom('portal_sessions').select('id').where('customer_id', '=', customer.customer_id).execute();
    expect(sessions).toHaveLength(0);
  });

  it('answers 502 email_failed when SMTP refuses, and the unsent link does not work', async () => {
    const down = await startTestSmtp();
    await down.close(); // a port nobody listens on any more
    const broken = await createHarness({ deps: { mailer: down.mailer } });
    try {
      const customer = await broken.createCustomer(broken.business.keys.test);
      const response = await broken.merchant(broken.business.keys.test, 'POST', `/v1/customers/${customer.customer_id}/customer-portal/session`, { send_email: true });
      expect(response.status).toBe(502);
      expect((await errorOf(response)).code).toBe('email_failed');
      const rows = await broken.store.db.selectFrom('portal_sessions').selectAll().where('customer_id', '=', customer.customer_id).execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]!.revoked_at).not.toBeNull();
    } finally {
      await broken.close();
    }
  });
});

describe('magic links', () => {
  const createMagic = async (customerId: string, body?: unknown, key = h.business.keys.test) => {
    const response = await h.merchant(key, 'POST', `/v1/customers/${customerId}/customer-portal/magic-link`, body);
    expect(response.status).toBe(201);
    return (await response.json()) as MagicLink;
  };

  it('creates a one-time 24 h link whose code lives in the fragment and is stored only hashed', async () => {
    const customer = await h.createCustomer(h.business.keys.test);
    const magic = await createMagic(customer.customer_id);
    expect(magic.link).toMatch(/^https:\/\/portal\.test\/magic#code=dpm_[A-Za-z0-9_-]{43}$/);
    expect(magic.expires_at).toBe(new Date(h.clock.now().getTime() + 86_400_000).toISOString());
    const rows = await h.store.db.selectFrom('portal_magic_links').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(codeOf(magic.link));
  });

  it('exchanges once for a session of that customer; the second opening is told it was used', async () => {
    const customer = await h.createCustomer(h.business.keys.test, { name: 'Magic Mike' });
    const magic = await createMagic(customer.customer_id, { return_url: 'https://acme.example/from-magic' });
    const first = await exchange(h.app, codeOf(magic.link));
    expect(first.status).toBe(201);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const session = (await first.json()) as MagicLinkExchanged;
    expect(session.session_token).toMatch(/^dps_[A-Za-z0-9_-]{43}$/);
    expect(session.expires_at).toBe(new Date(h.clock.now().getTime() + 86_400_000).toISOString());
    const info = (await (await h.portal(session.session_token, 'GET', '/portal/v1/session')).json()) as PortalSessionInfo;
    expect(info.customer.customer_id).toBe(customer.customer_id);
    expect(info.mode).toBe('test');
    expect(info.return_url).toBe('https://acme.example/from-magic');

    const again = await exchange(h.app, codeOf(magic.link));
    expect(again.status).toBe(410);
    const error = await errorOf(again);
    expect(error.code).toBe('magic_link_used');
    expect(error.login_url).toBe(`${PUBLIC_URL}/test/login/${h.business.id}`);
  });

  it('falls back to the business return URL, and expires after 24 h on the clock', async () => {
    const customer = await h.createCustomer(h.business.keys.test);
    const fresh = await createMagic(customer.customer_id);
    const stale = await createMagic(customer.customer_id);
    const session = (await (await exchange(h.app, codeOf(fresh.link))).json()) as MagicLinkExchanged;
    const info = (await (await h.portal(session.session_token, 'GET', '/portal/v1/session')).json()) as PortalSessionInfo;
    expect(info.return_url).toBe('https://acme.example/account');

    await h.advanceTestClock(h.business.keys.test, 86_400_000);
    const expired = await exchange(h.app, codeOf(stale.link));
    expect(expired.status).toBe(410);
    const error = await errorOf(expired);
    expect(error.code).toBe('magic_link_expired');
    expect(error.login_url).toBe(`${PUBLIC_URL}/test/login/${h.business.id}`);
  });

  it('answers 404 for unknown or malformed codes and 400 without a code', async () => {
    for (const code of [`dpm_${'A'.repeat(43)}`, 'garbage', 'dps_not-a-code']) {
      const response = await exchange(h.app, code);
      expect(response.status, code).toBe(404);
      expect((await errorOf(response)).code).toBe('not_found');
    }
    expect((await h.app.request('/portal/v1/magic-link/exchange', json({}))).status).toBe(400);
  });

  it('refuses customers of another mode or business (404)', async () => {
    const live = await h.createCustomer(h.business.keys.live);
    expect((await h.merchant(h.business.keys.test, 'POST', `/v1/customers/${live.customer_id}/customer-portal/magic-link`)).status).toBe(404);
    const other = await h.newBusiness();
    expect((await h.merchant(other.keys.live, 'GET', `/v1/customers/${live.customer_id}/customer-portal/invite`)).status).toBe(404);
  });

  it('GET /magic is a static page that never consumes the code', async () => {
    const customer = await h.createCustomer(h.business.keys.test);
    const magic = await createMagic(customer.customer_id);
    // What a link scanner does: fetch the URL (the fragment is never sent).
    const page = await h.app.request(magic.link.replace(PUBLIC_URL, ''));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<script src="/magic.js"');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const row = await h.store.db.selectFrom('portal_magic_links').select('used_at').where('customer_id', '=', customer.customer_id).executeTakeFirstOrThrow();
    expect(row.used_at).toBeNull();
    expect((await exchange(h.app, codeOf(magic.link))).status).toBe(201);

    const script = await (await h.app.request('/magic.js')).text();
    expect(script).toContain('history.replaceState');
    expect(script).toContain("'/portal/v1/magic-link/exchange'");
    expect(script).toContain('sessionStorage.setItem');
    expect(script).not.toContain('localStorage');
  });
});

describe('invite and static login links', () => {
  it('GET …/invite gives the never-expiring static link of the mode and a fresh magic link', async () => {
    const test = await h.createCustomer(h.business.keys.test);
    const live = await h.createCustomer(h.business.keys.live);
    const testInvite = (await (await h.merchant(h.business.keys.test, 'GET', `/v1/customers/${test.customer_id}/customer-portal/invite`)).json()) as PortalInvite;
    expect(testInvite.static_link).toBe(`${PUBLIC_URL}/test/login/${h.business.id}`);
    expect(testInvite.dynamic_link).toMatch(/^https:\/\/portal\.test\/magic#code=dpm_/);
    const testNow = ((await (await h.merchant(h.business.keys.test, 'GET', '/v1/test-clock')).json()) as { now: string }).now;
    expect(testInvite.dynamic_link_expires_at).toBe(new Date(new Date(testNow).getTime() + 86_400_000).toISOString());
    const liveInvite = (await (await h.merchant(h.business.keys.live, 'GET', `/v1/customers/${live.customer_id}/customer-portal/invite`)).json()) as PortalInvite;
    expect(liveInvite.static_link).toBe(`${PUBLIC_URL}/login/${h.business.id}`);

    const session = (await (await exchange(h.app, codeOf(liveInvite.dynamic_link))).json()) as MagicLinkExchanged;
    const info = (await (await h.portal(session.session_token, 'GET', '/portal/v1/session')).json()) as PortalSessionInfo;
    expect(info.mode).toBe('live');
    expect(info.customer.customer_id).toBe(live.customer_id);
    expect(info.login_url).toBe(liveInvite.static_link);
  });

  it('serves the login page per mode with <dodo-portal-login>, escaped, under the hosted-page headers', async () => {
    for (const [path, mode] of [
      [`/login/${h.business.id}`, 'live'],
      [`/test/login/${h.business.id}`, 'test'],
    ] as const) {
      const response = await h.app.request(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const csp = response.headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      const html = await response.text();
      expect(html).toContain(`<dodo-portal-login business-id="${h.business.id}" mode="${mode}" theme="auto"></dodo-portal-login>`);
      expect(html).toContain('<script src="/dodo-portal.js"');
      expect(html).toContain('Acme &lt;Cloud&gt; &amp; &quot;Co&quot;');
      expect(html).not.toContain('<Cloud>');
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    }
    for (const path of ['/login/biz_nope', `/login/${h.business.id.replace(/.$/, '0')}x`, '/test/login/%3Cscript%3E']) {
      expect((await h.app.request(path)).status, path).toBe(404);
    }
  });
});

describe('POST /portal/v1/login', () => {
  it('answers 202 with byte-identical responses for known and unknown emails; only the known one gets a link', async () => {
    const customer = await h.createCustomer(h.business.keys.test, { name: 'Known Person', email: 'Known.Person@example.com' });
    const before = smtp.received.length;
    const known = await login(h.app, { business_id: h.business.id, email: 'known.person@EXAMPLE.com', mode: 'test' }, '198.51.100.10');
    const unknown = await login(h.app, { business_id: h.business.id, email: 'nobody@example.com', mode: 'test' }, '198.51.100.11');
    const otherMode = await login(h.app, { business_id: h.business.id, email: customer.email, mode: 'live' }, '198.51.100.12');
    const noBusiness = await login(h.app, { business_id: 'biz_00000000000000000000000000', email: customer.email, mode: 'test' }, '198.51.100.13');
    const answers = [known, unknown, otherMode, noBusiness];
    const snapshot = async (response: Response) => ({
      status: response.status,
      body: await response.text(),
      headers: [...response.headers].filter(([name]) => name !== 'x-request-id'),
    });
    const [first, ...rest] = await Promise.all(answers.map(snapshot));
    expect(first!.status).toBe(202);
    expect(first!.body).toBe('{"accepted":true}');
    for (const other of rest) expect(other).toEqual(first);

    await background.idle();
    const mails = (await smtp.waitFor(before + 1)).slice(before);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual([customer.email]);
    expect(mails[0]!.subject).toBe('Sign in to your billing with Acme <Cloud> & "Co"');
    const link = linkIn(mails[0]!.text)!;
    expect(link).toMatch(/^https:\/\/portal\.test\/magic#code=dpm_/);
    expect(mails[0]!.html).toContain(`href="${link}"`);

    // Following the emailed link signs the customer in, once.
    const session = (await (await exchange(h.app, codeOf(link))).json()) as MagicLinkExchanged;
    const info = (await (await h.portal(session.session_token, 'GET', '/portal/v1/session')).json()) as PortalSessionInfo;
    expect(info.customer.customer_id).toBe(customer.customer_id);
    expect((await exchange(h.app, codeOf(link))).status).toBe(410);
  });

  it('lets the business’s own allowed origins read the answer (an embedded login form), no one else', async () => {
    const body = { business_id: h.business.id, email: 'cors@example.com', mode: 'test' };
    const allowed = await h.app.request('/portal/v1/login', json(body, { origin: 'https://shop.example', 'x-forwarded-for': '198.51.100.30' }));
    expect(allowed.status).toBe(202);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    const other = await h.app.request('/portal/v1/login', json(body, { origin: 'https://evil.example', 'x-forwarded-for': '198.51.100.31' }));
    expect(other.status).toBe(202);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    await background.idle();
  });

  it('rejects malformed requests with 400 whatever the email', async () => {
    for (const body of [
      { business_id: h.business.id, email: 'not-an-email', mode: 'test' },
      { email: 'a@example.com' },
      { business_id: h.business.id, email: 'a@example.com', mode: 'staging' },
    ]) {
      const response = await login(h.app, body, '198.51.100.20');
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
  });

  it('answers 503 email_not_configured to everyone in live mode when the server has no SMTP', async () => {
    const customer = await noMail.createCustomer(noMail.business.keys.live);
    for (const email of [customer.email, 'unknown@example.com']) {
      const response = await login(noMail.app, { business_id: noMail.business.id, email, mode: 'live' });
      expect(response.status).toBe(503);
      expect((await errorOf(response)).code).toBe('email_not_configured');
    }
  });

  it('rate limits per email and per IP with 429 rate_limited and Retry-After', async () => {
    const body = { business_id: h.business.id, email: 'limited@example.com', mode: 'test' };
    for (let i = 0; i < 5; i += 1) expect((await login(h.app, body, `192.0.2.${i}`)).status).toBe(202);
    const limited = await login(h.app, body, '192.0.2.99');
    expect(limited.status).toBe(429);
    expect((await errorOf(limited)).code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(900);

    for (let i = 0; i < 20; i += 1) expect((await login(h.app, { ...body, email: `ip${i}@example.com` }, '192.0.2.200')).status).toBe(202);
    const fromIp = await login(h.app, { ...body, email: 'fresh@example.com' }, '192.0.2.200');
    expect(fromIp.status).toBe(429);

    h.clock.advance(15 * 60_000 + 1);
    expect((await login(h.app, body, '192.0.2.99')).status).toBe(202);
    expect((await login(h.app, { ...body, email: 'fresh@example.com' }, '192.0.2.200')).status).toBe(202);
    await background.idle();
  });

  it('rate limits link exchange per IP', async () => {
    for (let i = 0; i < 30; i += 1) expect((await exchange(h.app, `dpm_${'B'.repeat(43)}`, '192.0.2.77')).status).toBe(404);
    const limited = await exchange(h.app, `dpm_${'B'.repeat(43)}`, '192.0.2.77');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('900');
  });
});

describe('the database file', () => {
  it('holds no raw session token or magic-link code', async () => {
    const customer = await h.createCustomer(h.business.keys.test);
    const magic = (await (await h.merchant(h.business.keys.test, 'POST', `/v1/customers/${customer.customer_id}/customer-portal/magic-link`)).json()) as MagicLink;
    const unused = (await (await h.merchant(h.business.keys.test, 'POST', `/v1/customers/${customer.customer_id}/customer-portal/magic-link`)).json()) as MagicLink;
    const session = (await (await exchange(h.app, codeOf(magic.link), '192.0.2.150')).json()) as MagicLinkExchanged;
    const api = (await (await h.merchant(h.business.keys.test, 'POST', `/v1/customers/${customer.customer_id}/customer-portal/session`)).json()) as PortalSession;
    const file = h.store.location;
    const bytes = [file, `${file}-wal`]
      .filter(existsSync)
      .map((path) => readFileSync(path).toString('latin1'))
      .join('');
    expect(bytes.length).toBeGreaterThan(0);
    for (const secret of [codeOf(magic.link), codeOf(unused.link), session.session_token, api.session_token]) expect(bytes).not.toContain(secret);
  });
});

// Two (or ten) people opening the same link at once: exactly one session, on both databases.
const backends: [string, () => Promise<TempStore>][] = [['sqlite', tempSqliteStore]];
const databaseUrl = process.env.DATABASE_URL;
if (databaseUrl && /^postgres(ql)?:\/\//.test(databaseUrl)) backends.push(['postgres', () => tempPostgresStore(databaseUrl)]);

describe.each(backends)('magic link exchange under concurrency on %s', (_dialect, open) => {
  let temp: TempStore;
  beforeAll(async () => {
    temp = await open();
  });
  afterAll(async () => temp?.cleanup());

  it('turns ten simultaneous openings into exactly one session', async () => {
    const clock = new TestClock();
    const ctx = serviceContext(temp.store, { clock });
    const { business, apiKeys } = await createBusiness(ctx, { name: 'Race Co' });
    const customer = await createCustomer(ctx, { businessId: business.id, mode: 'test' }, { email: 'race@example.com', name: 'Racer' });
    const app = createApp({ store: temp.store, clock, publicUrl: PUBLIC_URL, rateLimiter: createMemoryRateLimiter(clock) });
    for (let round = 0; round < 3; round += 1) {
      const magic = (await (
        await app.request(`/v1/customers/${customer.customer_id}/customer-portal/magic-link`, { method: 'POST', headers: { authorization: `Bearer ${apiKeys.test}` } })
      ).json()) as MagicLink;
      const responses = await Promise.all(Array.from({ length: 10 }, () => app.request('/portal/v1/magic-link/exchange', json({ code: codeOf(magic.link) }))));
      const statuses = responses.map((response) => response.status).sort();
      expect(statuses).toEqual([201, ...Array(9).fill(410)]);
    }
    const sessions = await temp.store.db.selectFrom('portal_sessions').select('id').where('customer_id', '=', customer.customer_id).execute();
    expect(sessions).toHaveLength(3);
  });
});
