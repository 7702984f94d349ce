/**
 * The test-mode outbox: with no SMTP configured, mail to test-mode customers is written to the
 * `mail_outbox` table and the server log instead of being sent, so a developer can follow the
 * links (`dodo-portal outbox`). It is a development aid: those rows hold working sign-in links.
 * Live mode never uses it — without SMTP, live mail is refused (`email_not_configured`), and mail
 * sent over SMTP is not stored anywhere. Messages are kept for OUTBOX_RETENTION_MS: every new one
 * deletes those older than that, so the table never grows without bound (its links have long
 * expired by then anyway).
 */
import type { Mode } from '@dodo-portal/wire/schemas';
import { IdPrefix, newId } from '../domain/ids.ts';
import { toTimestamp } from '../domain/ports.ts';
import type { Logger } from '../http/env.ts';
import type { ServiceContext } from '../services/context.ts';
import { insertOutboxMail, pruneOutboxMail } from '../store/outbox.ts';
import type { Mailer } from './mailer.ts';

/** How long the outbox keeps a message (sign-in links in it expire after 24 hours). */
export const OUTBOX_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

export function createOutboxMailer(ctx: ServiceContext, logger: Logger): Mailer {
  return {
    async send(message) {
      const id = newId(IdPrefix.outboxMail, ctx.random);
      const now = ctx.clock.now();
      const createdAt = toTimestamp(now);
      await pruneOutboxMail(ctx.store.db, toTimestamp(new Date(now.getTime() - OUTBOX_RETENTION_MS)));
      await insertOutboxMail(ctx.store.db, {
        id,
        mode: 'test',
        to_address: message.to,
        subject: message.subject,
        text_body: message.text,
        html_body: message.html ?? null,
        created_at: createdAt,
      });
      logger.info('test-mode email written to the outbox (no SMTP_URL)', { id, to: message.to, subject: message.subject, text: message.text });
      return { messageId: id };
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
