/**
 * The test-mode outbox: with no SMTP configured, mail to test-mode customers is kept in the mail
 * queue as "sent to the outbox" (`mail_queue.delivered_via = 'outbox'`) and written to the server
 * log instead of being sent, so a developer can follow the links (`dodo-portal outbox`). It is a
 * development aid: those rows hold working sign-in links. Live mode never uses it — without SMTP,
 * live mail is refused (`email_not_configured`), and mail sent over SMTP keeps no body. Rows are
 * kept for OUTBOX_RETENTION_MS: every new one deletes sent and failed ones older than that, so the
 * table never grows without bound (its links have long expired by then anyway).
 */
import type { Mode } from '@dodo-portal/wire/schemas';
import { IdPrefix, newId } from '../domain/ids.ts';
import { toTimestamp } from '../domain/ports.ts';
import { insertQueuedMail, pruneOutboxMail } from '../store/outbox.ts';
import type { MailMessage, Mailer } from './mailer.ts';
import type { Logger, ServiceContext } from '../runtime.ts';

/** How long the outbox keeps a message (sign-in links in it expire after 24 hours). */
export const OUTBOX_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** Writes a test-mode message to the outbox (a `mail_queue` row sent via `outbox`) and the log. */
export async function keepInOutbox(ctx: ServiceContext, logger: Logger, message: MailMessage, id = newId(IdPrefix.outboxMail, ctx.random)): Promise<string> {
  const now = ctx.clock.now();
  const at = toTimestamp(now);
  await pruneOutboxMail(ctx.store.db, toTimestamp(new Date(now.getTime() - OUTBOX_RETENTION_MS)));
  await insertQueuedMail(ctx.store.db, {
    id,
    mode: 'test',
    kind: 'message',
    request: null,
    to_address: message.to,
    subject: message.subject,
    text_body: message.text,
    html_body: message.html ?? null,
    status: 'sent',
    delivered_via: 'outbox',
    attempts: 1,
    next_attempt_at: at,
    claimed_until: null,
    last_error: null,
    created_at: at,
    updated_at: at,
  });
  logOutboxMail(logger, id, message);
  return id;
}

export const logOutboxMail = (logger: Logger, id: string, message: MailMessage) =>
  logger.info('test-mode email written to the outbox (no SMTP_URL)', { id, to: message.to, subject: message.subject, text: message.text });

/** The test-mode mailer without SMTP, for mail sent while the caller waits (`send_email`). */
export function createOutboxMailer(ctx: ServiceContext, logger: Logger): Mailer {
  return {
    async send(message) {
      return { messageId: await keepInOutbox(ctx, logger, message) };
    },
  };
}

/**
 * Which mailer carries mail of a mode: SMTP when configured (both modes); otherwise the outbox
 * in test mode, and the refusing (disabled) mailer in live mode.
 */
export function mailRouter(smtp: Mailer, outbox: Mailer): (mode: Mode) => Mailer {
  return (mode) => (!smtp.disabled ? smtp : mode === 'test' ? outbox : smtp);
}
