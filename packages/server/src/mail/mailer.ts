/**
 * Outgoing mail. The app depends on the `Mailer` interface; the real one speaks SMTP through
 * nodemailer to `SMTP_URL`. Without SMTP the app gets `disabledMailer`, which refuses every
 * message: a request that needs email answers 503 `email_not_configured` rather than pretend.
 */
import nodemailer, { type Transporter } from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<{ messageId: string }>;
  /** True when no mail can be delivered at all (no SMTP configured). */
  readonly disabled?: boolean;
}

/** Thrown by `disabledMailer.send`. */
export class MailNotConfiguredError extends Error {
  override readonly name = 'MailNotConfiguredError';
  constructor() {
    super('Email is not configured: set SMTP_URL (e.g. smtp://127.0.0.1:2525) and MAIL_FROM.');
  }
}

export const disabledMailer: Mailer = {
  disabled: true,
  send: async () => {
    throw new MailNotConfiguredError();
  },
};

export interface NodemailerOptions {
  /** `smtp://user:pass@host:587` or `smtps://…`. */
  smtpUrl: string;
  /** The From header, e.g. `"Acme billing" <billing@acme.test>`. */
  from: string;
  /** Extra transport options (tests pass `ignoreTLS` for a plain loopback server). */
  transport?: Record<string, unknown>;
}

export function createNodemailerMailer(options: NodemailerOptions): Mailer & { close(): void } {
  // nodemailer waits 30 s for a greeting and 10 min on a silent socket by default: a hanging
  // server would hold each attempt that long. The mail queue also bounds every send.
  const transporter: Transporter = nodemailer.createTransport({
    url: options.smtpUrl,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
    ...options.transport,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    async send(message) {
      const info = (await transporter.sendMail({
        from: options.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html !== undefined ? { html: message.html } : {}),
      })) as { messageId: string };
      return { messageId: info.messageId };
    },
    close: () => transporter.close(),
  };
}

export const DEFAULT_MAIL_FROM = 'billing@localhost';

/** The mailer `serve` uses: SMTP when `SMTP_URL` is set (From: `MAIL_FROM`), else disabled. */
export function mailerFromEnv(env: NodeJS.ProcessEnv): (Mailer & { close(): void; describe: string }) | undefined {
  const smtpUrl = env.SMTP_URL?.trim();
  if (!smtpUrl) return undefined;
  const url = new URL(smtpUrl);
  url.password = '';
  // A plain smtp:// URL to a loopback relay is used as given; STARTTLS is still used when offered.
  const mailer = createNodemailerMailer({ smtpUrl, from: env.MAIL_FROM?.trim() || DEFAULT_MAIL_FROM });
  return { ...mailer, describe: `${url.protocol}//${url.host}` };
}
