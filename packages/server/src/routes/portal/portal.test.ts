import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ErrorBody, Invoice, InvoicePage, PortalSessionInfo } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../../domain/money.ts';
import { PUBLIC_URL, createHarness, type Harness } from '../../testing/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ businessInput: { name: 'Acme Cloud Inc.', brand: { display_name: 'Acme Cloud', primary_color: '#4f46e5' }, returnUrl: 'https://acme.example/account' } });
});
afterAll(async () => h.close());

const errorOf = async (response: Response) => ((await response.json()) as ErrorBody).error;

describe('POST /v1/customers/{id}/customer-portal/session', () => {
  it('creates a session with no body, an empty object, or options', async () => {
    const customer = await h.createCustomer(h.business.keys.test);
    const bare = await h.app.request(`/v1/customers/${customer.customer_id}/customer-portal/session`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.business.keys.test}` },
    });
    expect(bare.status).toBe(201);
    const session = (await bare.json()) as { link: string; session_token: string; expires_at: string };
    expect(session.session_token).toMatch(/^dps_[A-Za-z0-9_-]{43}$/);
    expect(session.link).toBe(`${PUBLIC_URL}/portal#token=${session.session_token}`);
    expect(session.expires_at).toBe(new Date(h.clock.now().getTime() + 86_400_000).toISOString());

    const empty = await h.createSession(h.business.keys.test, customer.customer_id, {});
    expect(empty.session_token).not.toBe(session.session_token);

    const custom = await h.createSession(h.business.keys.test, customer.customer_id, { ttl_seconds: 300, return_url: 'http://localhost:3000/back' });
    expect(custom.expires_at).toBe(new Date(h.clock.now().getTime() + 300_000).toISOString());
    const info = (await (await h.portal(custom.session_token, 'GET', '/portal/v1/session')).json()) as PortalSessionInfo;
    expect(info.return_url).toBe('http://localhost:3000/back');
  });

  it('stores only the token hash', async () => {
    const customer = await h.createCustomer(h.business.keys.test);
    const session = await h.createSession(h.business.keys.test, customer.customer_id);
    const rows = await h.store.db.selectFrom('portal_sessions').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(session.session_token);
  });

  it('bounds ttl to 300..86400 seconds and return_url to https or localhost http', async () => {
    const customer = await h.createCustomer(h.business.keys.test);
    const bad: [unknown, string][] = [
      [{ ttl_seconds: 299 }, 'ttl_seconds'],
      [{ ttl_seconds: 86_401 }, 'ttl_seconds'],
      [{ ttl_seconds: 600.5 }, 'ttl_seconds'],
      [{ return_url: 'http://evil.example/' }, 'return_url'],
      [{ return_url: 'javascript:alert(1)' }, 'return_url'],
      [{ return_url: 'not a url' }, 'return_url'],
      [{ unexpected: true }, ''],
    ];
    for (const [body, path] of bad) {
      const response = await h.merchant(h.business.keys.test, 'POST', `/v1/customers/${customer.customer_id}/customer-portal/session`, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      const error = await errorOf(response);
      expect(error.code).toBe('invalid_request');
      expect(error.issues?.map((issue) => issue.path)).toContain(path);
    }
    for (const body of [{ ttl_seconds: 300 }, { ttl_seconds: 86_400 }, { return_url: 'https://shop.example/account' }, { return_url: 'http://127.0.0.1:8080/' }]) {
      expect((await h.merchant(h.business.keys.test, 'POST', `/v1/customers/${customer.customer_id}/customer-portal/session`, body)).status).toBe(201);
    }
  });

  it('refuses customers of another mode or business (404)', async () => {
    const live = await h.createCustomer(h.business.keys.live);
    expect((await h.merchant(h.business.keys.test, 'POST', `/v1/customers/${live.customer_id}/customer-portal/session`, {})).status).toBe(404);
    const other = await h.newBusiness();
    expect((await h.merchant(other.keys.live, 'POST', `/v1/customers/${live.customer_id}/customer-portal/session`, {})).status).toBe(404);
  });
});

describe('portal session lifecycle', () => {
  it('GET /portal/v1/session describes the session', async () => {
    const customer = await h.createCustomer(h.business.keys.test, { name: 'Grace Hopper', locale: 'de-DE' });
    const session = await h.createSession(h.business.keys.test, customer.customer_id);
    const response = await h.portal(session.session_token, 'GET', '/portal/v1/session');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({
      mode: 'test',
      expires_at: session.expires_at,
      return_url: 'https://acme.example/account',
      business: { business_id: h.business.id, name: 'Acme Cloud Inc.', display_name: 'Acme Cloud', brand: { display_name: 'Acme Cloud', primary_color: '#4f46e5', logo_url: null } },
      customer: { customer_id: customer.customer_id, name: 'Grace Hopper', email: customer.email, locale: 'de-DE' },
      login_url: `${PUBLIC_URL}/test/login/${h.business.id}`,
    } satisfies PortalSessionInfo);
  });

  it('answers 401 unauthorized for missing, garbage or unknown tokens', async () => {
    expect((await h.app.request('/portal/v1/session')).status).toBe(401);
    for (const token of ['garbage', `dps_${'A'.repeat(43)}`, h.business.keys.test]) {
      const response = await h.portal(token, 'GET', '/portal/v1/invoices');
      expect(response.status).toBe(401);
      expect((await errorOf(response)).code).toBe('unauthorized');
    }
  });

  it('answers 401 session_expired once the clock passes expires_at', async () => {
    const customer = await h.createCustomer(h.business.keys.test);
    const session = await h.createSession(h.business.keys.test, customer.customer_id, { ttl_seconds: 300 });
    // A test-mode session expires on the business's test clock.
    await h.advanceTestClock(h.business.keys.test, 299_999);
    expect((await h.portal(session.session_token, 'GET', '/portal/v1/session')).status).toBe(200);
    await h.advanceTestClock(h.business.keys.test, 1);
    const expired = await h.portal(session.session_token, 'GET', '/portal/v1/session');
    expect(expired.status).toBe(401);
    expect((await errorOf(expired)).code).toBe('session_expired');
  });

  it('DELETE /portal/v1/session revokes: 204, then session_expired', async () => {
    const customer = await h.createCustomer(h.business.keys.test);
    const session = await h.createSession(h.business.keys.test, customer.customer_id);
    const revoked = await h.portal(session.session_token, 'DELETE', '/portal/v1/session');
    expect(revoked.status).toBe(204);
    const after = await h.portal(session.session_token, 'GET', '/portal/v1/invoices');
    expect(after.status).toBe(401);
    const error = await errorOf(after);
    expect(error.code).toBe('session_expired');
    // The expired face can offer "request a new link by email" on the business's login page.
    expect(error.login_url).toBe(`${PUBLIC_URL}/test/login/${h.business.id}`);
  });
});

describe('portal invoices', () => {
  it('pages 45 invoices with tied timestamps as 20, 20, 5, newest first, without duplicates', async () => {
    const business = await h.newBusiness({ name: 'Paging Co' });
    const customer = await h.createCustomer(business.keys.test);
    const noise = await h.createCustomer(business.keys.test);
    const created: Invoice[] = [];
    for (let i = 0; i < 45; i += 1) {
      if (i % 3 === 0) h.clock.advance(60_000); // three invoices per timestamp
      created.push(await h.createInvoice(business.keys.test, { customer_id: customer.customer_id, line_items: [{ description: `Item ${i}`, quantity: 1, unit_amount: 100 + i }] }));
      if (i % 10 === 0) await h.createInvoice(business.keys.test, { customer_id: noise.customer_id });
    }
    const session = await h.createSession(business.keys.test, customer.customer_id);
    const pages: InvoicePage[] = [];
    let cursor: string | null = null;
    do {
      const response = await h.portal(session.session_token, 'GET', `/portal/v1/invoices?limit=20${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as InvoicePage;
      pages.push(page);
      cursor = page.next_cursor;
    } while (cursor);
    expect(pages.map((page) => page.items.length)).toEqual([20, 20, 5]);
    const ids = pages.flatMap((page) => page.items.map((invoice) => invoice.invoice_id));
    expect(new Set(ids).size).toBe(45);
    expect(new Set(ids)).toEqual(new Set(created.map((invoice) => invoice.invoice_id)));
    const all = pages.flatMap((page) => page.items);
    for (let i = 1; i < all.length; i += 1) {
      const [prev, next] = [all[i - 1]!, all[i]!];
      expect(prev.issued_at > next.issued_at || (prev.issued_at === next.issued_at && prev.invoice_id > next.invoice_id)).toBe(true);
    }
    expect(all.every((invoice) => invoice.customer_id === customer.customer_id)).toBe(true);
    const defaultPage = (await (await h.portal(session.session_token, 'GET', '/portal/v1/invoices')).json()) as InvoicePage;
    expect(defaultPage.items).toHaveLength(20);
  });

  it('rejects a malformed cursor and bad limits with 400 invalid_request', async () => {
    const customer = await h.createCustomer(h.business.keys.test);
    const session = await h.createSession(h.business.keys.test, customer.customer_id);
    for (const query of ['cursor=not-a-cursor', `cursor=${Buffer.from('["x","y"]').toString('base64url')}`, 'limit=0', 'limit=1000', 'mode=live']) {
      const response = await h.portal(session.session_token, 'GET', `/portal/v1/invoices?${query}`);
      expect(response.status, query).toBe(400);
      expect((await errorOf(response)).code).toBe('invalid_request');
    }
  });

  it('isolates customers: A’s token gets 404 for B’s invoice and PDF, and never sees live data', async () => {
    const a = await h.createCustomer(h.business.keys.test);
    const b = await h.createCustomer(h.business.keys.test);
    const invoiceA = await h.createInvoice(h.business.keys.test, { customer_id: a.customer_id });
    const invoiceB = await h.createInvoice(h.business.keys.test, { customer_id: b.customer_id });
    const liveTwin = await h.createCustomer(h.business.keys.live, { email: a.email });
    const liveInvoice = await h.createInvoice(h.business.keys.live, { customer_id: liveTwin.customer_id });
    const sessionA = await h.createSession(h.business.keys.test, a.customer_id);

    expect((await h.portal(sessionA.session_token, 'GET', `/portal/v1/invoices/${invoiceA.invoice_id}`)).status).toBe(200);
    for (const path of [`/portal/v1/invoices/${invoiceB.invoice_id}`, `/portal/v1/invoices/${invoiceB.invoice_id}/pdf`, `/portal/v1/invoices/${liveInvoice.invoice_id}`]) {
      const response = await h.portal(sessionA.session_token, 'GET', path);
      expect(response.status, path).toBe(404);
      expect((await errorOf(response)).code).toBe('not_found');
    }
    const list = (await (await h.portal(sessionA.session_token, 'GET', '/portal/v1/invoices')).json()) as InvoicePage;
    expect(list.items.map((invoice) => invoice.invoice_id)).toEqual([invoiceA.invoice_id]);
  });

  it('refuses portal tokens on the merchant API and keys on the portal API', async () => {
    const customer = await h.createCustomer(h.business.keys.test);
    const session = await h.createSession(h.business.keys.test, customer.customer_id);
    expect((await h.merchant(session.session_token, 'GET', '/v1/customers')).status).toBe(401);
    expect((await h.portal(h.business.keys.test, 'GET', '/portal/v1/session')).status).toBe(401);
  });
});

describe('invoice PDF', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dodo-portal-pdf-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const pdfText = (bytes: ArrayBuffer, name: string) => {
    const file = join(dir, name);
    writeFileSync(file, Buffer.from(bytes));
    // Normalize the no-break spaces some locales put in amounts.
    return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/[\u00a0\u202f]/g, ' ');
  };
  const normalize = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

  it("prints a subscription line's service period under its description", async () => {
    const key = h.business.keys.test;
    const customer = await h.createCustomer(key, { name: 'Period Person', locale: 'en-GB' });
    const productResponse = await h.merchant(key, 'POST', '/v1/products', { name: 'Team plan', billing_type: 'subscription', price: 2500, currency: 'EUR', interval: 'month' });
    expect(productResponse.status).toBe(201);
    const product = (await productResponse.json()) as { product_id: string };
    const tokenResponse = await h.app.request('/sandbox/v1/tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' }),
    });
    const { card_token } = (await tokenResponse.json()) as { card_token: string };
    const subscribed = await h.merchant(key, 'POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: product.product_id, card_token });
    expect(subscribed.status).toBe(201);
    const { subscription_id, current_period_start, current_period_end } = (await subscribed.json()) as { subscription_id: string; current_period_start: string; current_period_end: string };
    const session = await h.createSession(key, customer.customer_id);
    const list = (await (await h.portal(session.session_token, 'GET', '/portal/v1/invoices')).json()) as { items: Invoice[] };
    const invoice = list.items.find((item) => item.subscription_id === subscription_id)!;
    expect(invoice.line_items[0]!.period).toEqual({ start: current_period_start, end: current_period_end });

    const text = pdfText(await (await h.portal(session.session_token, 'GET', `/portal/v1/invoices/${invoice.invoice_id}/pdf`)).arrayBuffer(), 'period.pdf');
    const period = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' }).formatRange(new Date(current_period_start), new Date(current_period_end));
    expect(text).toContain('Team plan');
    // Intl puts thin spaces around the range dash; the standard PDF font prints plain spaces.
    expect(normalize(text)).toContain(normalize(period).replace(/[\u2009\u200a]/g, ' '));
  });

  it('downloads as an attachment with number, customer, lines and formatted totals', async () => {
    const customer = await h.createCustomer(h.business.keys.test, {
      name: 'Åsa Öberg',
      email: 'asa@example.se',
      locale: 'sv-SE',
      billing_address: { street: 'Storgatan 1', city: 'Stockholm', state: '', zipcode: '111 22', country: 'SE' },
    });
    const invoice = await h.createInvoice(h.business.keys.test, {
      customer_id: customer.customer_id,
      currency: 'SEK',
      tax_rate_bps: 2500,
      line_items: [
        { description: 'Pro plan', quantity: 2, unit_amount: 49_900 },
        { description: 'Extra storage', quantity: 10, unit_amount: 1234 },
      ],
    });
    const session = await h.createSession(h.business.keys.test, customer.customer_id);
    const response = await h.portal(session.session_token, 'GET', `/portal/v1/invoices/${invoice.invoice_id}/pdf`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${invoice.number}.pdf"`);
    const bytes = await response.arrayBuffer();
    expect(Buffer.from(bytes).subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(bytes, 'sek.pdf');
    expect(text).toContain(invoice.number);
    expect(text).toContain('Åsa Öberg');
    expect(text).toContain('asa@example.se');
    expect(text).toContain('Storgatan 1');
    expect(text).toContain('Acme Cloud');
    expect(text).toContain('Extra storage');
    expect(invoice.total).toBe(140_175);
    for (const amount of [invoice.subtotal, invoice.tax, invoice.total, 49_900, 12_340]) {
      expect(text).toContain(normalize(formatMoney(amount, 'SEK', 'sv-SE')));
    }
    expect(normalize(formatMoney(invoice.total, 'SEK', 'sv-SE'))).toBe('1 401,75 kr');
    expect(text).toContain('Faktura'); // Swedish labels for a Swedish customer
  });

  it('formats JPY without minor digits', async () => {
    const customer = await h.createCustomer(h.business.keys.test, { name: 'Kenji Sato', locale: 'en-US' });
    const invoice = await h.createInvoice(h.business.keys.test, {
      customer_id: customer.customer_id,
      currency: 'JPY',
      tax_rate_bps: 1000,
      line_items: [{ description: 'Starter plan', quantity: 1, unit_amount: 1980 }],
    });
    const session = await h.createSession(h.business.keys.test, customer.customer_id);
    const text = pdfText(await (await h.portal(session.session_token, 'GET', `/portal/v1/invoices/${invoice.invoice_id}/pdf`)).arrayBuffer(), 'jpy.pdf');
    expect(invoice.total).toBe(2178);
    expect(text).toContain('¥2,178');
    expect(text).not.toContain('2,178.00');
  });

  it('embeds a Unicode font when the text needs one (Cyrillic, Polish)', async () => {
    const customer = await h.createCustomer(h.business.keys.test, { name: 'Дмитрий Łukasz', locale: 'pl-PL' });
    const invoice = await h.createInvoice(h.business.keys.test, {
      customer_id: customer.customer_id,
      currency: 'PLN',
      line_items: [{ description: 'Usługa miesięczna', quantity: 1, unit_amount: 12_345 }],
    });
    const session = await h.createSession(h.business.keys.test, customer.customer_id);
    const text = pdfText(await (await h.portal(session.session_token, 'GET', `/portal/v1/invoices/${invoice.invoice_id}/pdf`)).arrayBuffer(), 'unicode.pdf');
    expect(text).toContain('Дмитрий Łukasz');
    expect(text).toContain('Usługa miesięczna');
    expect(text).toContain(normalize(formatMoney(12_345, 'PLN', 'pl-PL')));
  });

  it('continues long invoices on more pages with every line present', async () => {
    const customer = await h.createCustomer(h.business.keys.test);
    const lines = Array.from({ length: 60 }, (_, i) => ({ description: `Usage line ${i + 1}`, quantity: 1, unit_amount: 100 }));
    const invoice = await h.createInvoice(h.business.keys.test, { customer_id: customer.customer_id, line_items: lines });
    const session = await h.createSession(h.business.keys.test, customer.customer_id);
    const text = pdfText(await (await h.portal(session.session_token, 'GET', `/portal/v1/invoices/${invoice.invoice_id}/pdf`)).arrayBuffer(), 'long.pdf');
    for (let i = 1; i <= 60; i += 1) expect(text).toMatch(new RegExp(`Usage line ${i}\\b`));
    expect(text).toContain('Page 2 of 2');
    expect(text).toContain('$60.00');
  });
});
