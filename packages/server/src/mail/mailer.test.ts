import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodemailerMailer } from './mailer.ts';

interface Received {
  from: string | undefined;
  to: string[];
  raw: string;
}

let server: SMTPServer;
let port: number;
const received: Received[] = [];

beforeAll(async () => {
  server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  port = (server.server.address() as AddressInfo).port;
});
afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

describe('nodemailer mailer', () => {
  it('delivers text and html over SMTP to a real server on loopback', async () => {
    const mailer = createNodemailerMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from: 'Acme billing <billing@acme.test>', transport: { ignoreTLS: true } });
    const result = await mailer.send({ to: 'ada@example.com', subject: 'Your invoice INV-000001', text: 'Total: $53.04', html: '<p>Total: <b>$53.04</b></p>' });
    mailer.close();
    expect(result.messageId).toMatch(/@/);
    expect(received).toHaveLength(1);
    const [mail] = received;
    expect(mail!.from).toBe('billing@acme.test');
    expect(mail!.to).toEqual(['ada@example.com']);
    expect(mail!.raw).toContain('Subject: Your invoice INV-000001');
    expect(mail!.raw).toContain('Total: $53.04');
    expect(mail!.raw).toContain('text/html');
  });

  it('refuses to send when no SMTP is configured, instead of pretending', async () => {
    const { disabledMailer, MailNotConfiguredError, mailerFromEnv } = await import('./mailer.ts');
    expect(disabledMailer.disabled).toBe(true);
    await expect(disabledMailer.send({ to: 'x@example.com', subject: 'Hi', text: 'Hello' })).rejects.toBeInstanceOf(MailNotConfiguredError);
    expect(mailerFromEnv({})).toBeUndefined();
    const configured = mailerFromEnv({ SMTP_URL: `smtp://user:secret@127.0.0.1:${port}`, MAIL_FROM: 'Shop <shop@example.com>' })!;
    expect(configured.describe).toBe(`smtp://127.0.0.1:${port}`);
    expect(configured.disabled).toBeUndefined();
    configured.close();
  });
});
