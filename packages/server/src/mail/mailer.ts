/**
 * Outgoing mail. The app depends on the `Mailer` interface; the default speaks SMTP through
 * nodemailer. Without an SMTP URL it builds each message but delivers nowhere (JSON transport),
 * which keeps a local `serve` working without a mail server.
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
}

export interface NodemailerOptions {
  /** `smtp://user:pass@host:587` or `smtps://…`. Omitted: messages are built, not delivered. */
  smtpUrl?: string;
  /** The From header, e.g. `"Acme billing" <billing@acme.test>`. */
  from: string;
  /** Extra transport options (tests pass `ignoreTLS` for a plain loopback server). */
  transport?: Record<string, unknown>;
}

export function createNodemailerMailer(options: NodemailerOptions): Mailer & { close(): void } {
  const transporter: Transporter = options.smtpUrl
    ? nodemailer.createTransport({ url: options.smtpUrl, ...options.transport } as Parameters<typeof nodemailer.createTransport>[0])
    : nodemailer.createTransport({ jsonTransport: true });
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
