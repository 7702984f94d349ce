import type { ErrorBody, LoginAccepted, MagicLinkExchanged, PortalSession } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackgroundTasks, type BackgroundTasks } from '../services/background.ts';
import { listOutboxMail } from '../store/outbox.ts';
import { createOutboxMailer, OUTBOX_RETENTION_MS } from './outbox.ts';
import { createHarness, type Harness } from '../testing/harness.ts';
import { startTestSmtp, type TestSmtp } from '../testing/smtp.ts';

let noSmtp: Harness;
let withSmtp: Harness;
let smtp: TestSmtp;
let background: BackgroundTasks;

beforeAll(async () => {
  background = createBackgroundTasks((name, error) => {
    throw new Error(`background ${name} failed: ${String(error)}`);
  });
  smtp = await startTestSmtp();
  noSmtp = await createHarness({ businessInput: { name: 'Outbox AB', brand: { display_name: 'Outbox <AB>', primary_color: null } }, deps: { background } });
  withSmtp = await createHarness({ deps: { mailer: smtp.mailer, background } });
});
afterAll(async () => {
  await noSmtp.close();
  await withSmtp.close();
  await smtp.close();
});

const login = (h: Harness, body: unknown) => h.app.request('/portal/v1/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const codeIn = (text: string) => /#code=(dpm_[A-Za-z0-9_-]{43})/.exec(text)?.[1];

describe('test-mode outbox (no SMTP_URL)', () => {
  it('answers the login request with 202 for every email, and writes a working link for a known one to the outbox and the log', async () => {
    const customer = await noSmtp.createCustomer(noSmtp.business.keys.test, { name: 'Ada', locale: 'sv-SE' });
    const before = (await listOutboxMail(noSmtp.store.db, 100)).length;
    const known = await login(noSmtp, { business_id: noSmtp.business.id, email: customer.email.toUpperCase(), mode: 'test' });
    const unknown = await login(noSmtp, { business_id: noSmtp.business.id, email: 'nobody@example.com', mode: 'test' });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect((await known.json()) as LoginAccepted).toEqual(await unknown.json());
    await background.idle();

    const mails = await listOutboxMail(noSmtp.store.db, 100);
    expect(mails).toHaveLength(before + 1);
    const [mail] = mails;
    expect(mail!.to_address).toBe(customer.email);
    expect(mail!.mode).toBe('test');
    expect(mail!.subject).toBe('Logga in på din fakturering hos Outbox <AB>');
    expect(mail!.html_body).toContain('Outbox &lt;AB&gt;');
    const logged = noSmtp.logger.entries.find((entry) => entry.details?.id === mail!.id);
    expect(logged?.level).toBe('info');
    expect(logged?.details?.text).toBe(mail!.text_body);

    const exchanged = await noSmtp.app.request('/portal/v1/magic-link/exchange', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: codeIn(mail!.text_body) }),
    });
    expect(exchanged.status).toBe(201);
    const { session_token } = (await exchanged.json()) as MagicLinkExchanged;
    expect((await noSmtp.portal(session_token, 'GET', '/portal/v1/session')).status).toBe(200);
  });

  it('writes the portal link of send_email to the outbox in test mode', async () => {
    noSmtp.clock.advance(1_000);
    const customer = await noSmtp.createCustomer(noSmtp.business.keys.test, { name: 'Grace' });
    const response = await noSmtp.merchant(noSmtp.business.keys.test, 'POST', `/v1/customers/${customer.customer_id}/customer-portal/session`, { send_email: true });
    expect(response.status).toBe(201);
    const session = (await response.json()) as PortalSession;
    const [mail] = await listOutboxMail(noSmtp.store.db, 1);
    expect(mail!.to_address).toBe(customer.email);
    expect(mail!.text_body).toContain(session.link);
  });

  it('keeps refusing live-mode mail with 503 email_not_configured, and stores nothing', async () => {
    const customer = await noSmtp.createCustomer(noSmtp.business.keys.live);
    const before = (await listOutboxMail(noSmtp.store.db, 100)).length;
    const loginResponse = await login(noSmtp, { business_id: noSmtp.business.id, email: customer.email, mode: 'live' });
    expect(loginResponse.status).toBe(503);
    expect(((await loginResponse.json()) as ErrorBody).error.code).toBe('email_not_configured');
    const sessionResponse = await noSmtp.merchant(noSmtp.business.keys.live, 'POST', `/v1/customers/${customer.customer_id}/customer-portal/session`, { send_email: true });
    expect(sessionResponse.status).toBe(503);
    await background.idle();
    expect(await listOutboxMail(noSmtp.store.db, 100)).toHaveLength(before);
  });
});

describe('outbox retention', () => {
  it('deletes messages older than the retention window whenever a new one is written', async () => {
    const mailer = createOutboxMailer(noSmtp.ctx, noSmtp.logger);
    const start = noSmtp.clock.now();
    try {
      await mailer.send({ to: 'old@example.com', subject: 'Old', text: 'old link' });
      noSmtp.clock.advance(OUTBOX_RETENTION_MS - 1000);
      await mailer.send({ to: 'recent@example.com', subject: 'Recent', text: 'recent link' });
      let addresses = (await listOutboxMail(noSmtp.store.db, 1000)).map((mail) => mail.to_address);
      expect(addresses).toContain('old@example.com');
      noSmtp.clock.advance(2000);
      await mailer.send({ to: 'new@example.com', subject: 'New', text: 'new link' });
      addresses = (await listOutboxMail(noSmtp.store.db, 1000)).map((mail) => mail.to_address);
      expect(addresses).not.toContain('old@example.com');
      expect(addresses).toEqual(expect.arrayContaining(['recent@example.com', 'new@example.com']));
    } finally {
      noSmtp.clock.set(start);
    }
  });
});

describe('with SMTP configured', () => {
  it('sends test-mode mail over SMTP and keeps no copy (nor its code) in the database', async () => {
    const customer = await withSmtp.createCustomer(withSmtp.business.keys.test);
    const before = smtp.received.length;
    expect((await login(withSmtp, { business_id: withSmtp.business.id, email: customer.email, mode: 'test' })).status).toBe(202);
    await background.idle();
    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    const code = codeIn(mail!.text)!;
    expect(code).toBeDefined();
    expect(await listOutboxMail(withSmtp.store.db, 100)).toHaveLength(0);
    // The queue row that carried it is `sent` and keeps no body.
    expect(JSON.stringify(await withSmtp.store.db.selectFrom('mail_queue').selectAll().execute())).not.toContain(code);
    const links = await withSmtp.store.db.selectFrom('portal_magic_links').selectAll().execute();
    expect(JSON.stringify(links)).not.toContain(code);
  });
});
