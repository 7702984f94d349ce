/**
 * The mail queue: every email the server sends on its own leaves through here (renewal receipts,
 * on-hold notices, portal confirmations, login links). A caller only writes a row
 * (`enqueue`, in its transaction or after) and goes on; the drain sends it after the commit,
 * with a send timeout and retries with backoff, so no request and no renewal waits for SMTP — a
 * hanging server costs the drain a timeout per message, in parallel, and nothing else.
 *
 * Kicks: `enqueue` announces the commit (store `commits`, topic `mail`) and the drain starts at
 * once; the scheduler's tick kicks it too (fallback: other processes, a lost kick); after a pass
 * with failures a timer wakes it when the next retry falls due.
 *
 * Login requests (`POST /portal/v1/login`, `/portal/v1/unified/login`) are queued as jobs holding
 * only what was typed: the request writes the same row whoever the email belongs to and answers.
 * The drain — a random 250–1000 ms later, never on the request's turn of the event loop — looks
 * the email up, issues the link and sends the message from memory (or deletes the row: no
 * customer). Queued message bodies are sealed under the server secret; none is kept once sent.
 * So the login answer, and the request right after it, cost the same for a known and an unknown
 * email; the extra work for a known one lands at a moment unrelated to either.
 *
 * Without SMTP, test-mode mail is kept in the outbox (`dodo-portal outbox`) — at once by
 * `enqueue`, by the drain for login jobs — and live-mode mail fails (the routes refuse it earlier
 * with `email_not_configured`).
 */
import type { Mode } from '@dodo-portal/wire/schemas';
import { IdPrefix, newId } from '../domain/ids.ts';
import { toTimestamp } from '../domain/ports.ts';
import type { MailMessage, Mailer } from '../mail/mailer.ts';
import { logOutboxMail, OUTBOX_RETENTION_MS } from '../mail/outbox.ts';
import { notifyAfterCommit } from '../store/index.ts';
import { claimDueMail, deleteQueuedMail, insertQueuedMail, nextMailDue, pruneOutboxMail, recordMailAttempt, resolveMailJob, type QueuedMail } from '../store/outbox.ts';
import type { BackgroundTasks } from './background.ts';
import type { LoginJob, Logger, MailQueue, ServiceContext } from '../runtime.ts';

/** Delay before attempt n+1 after n failed ones; after the last, the message is `failed`. */
export const MAIL_RETRY_SCHEDULE_MS = [10_000, 60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 6 * 3_600_000];
/** A send that has not finished by then counts as failed (and is retried). */
export const MAIL_SEND_TIMEOUT_MS = 15_000;
const BATCH = 20;
const MAX_BATCHES_PER_PASS = 10;

export interface MailQueueOptions {
  sendTimeoutMs?: number;
  retryScheduleMs?: readonly number[];
  /** How long a login job waits before the drain takes it (uniform in [min, max], ms). */
  loginDelayMs?: { min: number; max: number };
}

export interface MailQueueDeps {
  /** Store, clock (real time: retries, leases) and ids. */
  ctx: ServiceContext;
  logger: Logger;
  /** SMTP, or the refusing `disabledMailer` when not configured. */
  smtp: Mailer;
  background: BackgroundTasks;
  /** What a login job's email should say, or undefined when there is no such customer. */
  resolve(job: LoginJob): Promise<MailMessage | undefined>;
  options?: MailQueueOptions;
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from the mail server within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export function createMailQueue(deps: MailQueueDeps): MailQueue {
  const { ctx, logger, smtp, background } = deps;
  const db = ctx.store.db;
  const sendTimeoutMs = deps.options?.sendTimeoutMs ?? MAIL_SEND_TIMEOUT_MS;
  const retrySchedule = deps.options?.retryScheduleMs ?? MAIL_RETRY_SCHEDULE_MS;
  const loginDelay = deps.options?.loginDelayMs ?? { min: 250, max: 1_000 };
  const leaseMs = sendTimeoutMs + 60_000;
  let stopped = false;
  let scheduled = false;
  let running = false;
  let again = false;
  let retryTimer: NodeJS.Timeout | undefined;

  const now = () => ctx.clock.now();
  // Bodies wait in the queue sealed under the server secret (they can hold sign-in links), bound
  // to their row; they are dropped once sent over SMTP.
  const bodyContext = (id: string) => `mail-body:${id}`;
  const bodySeal = (id: string, text: string) => (ctx.secrets ? ctx.secrets.seal(text, bodyContext(id)) : text);
  const bodyOpen = (id: string, text: string) => (ctx.secrets ? ctx.secrets.open(text, bodyContext(id)) : text);
  const row = (mode: Mode, fields: Partial<QueuedMail>): QueuedMail => {
    const at = toTimestamp(now());
    return {
      id: newId(IdPrefix.outboxMail, ctx.random),
      mode,
      kind: 'message',
      request: null,
      to_address: null,
      subject: null,
      text_body: null,
      html_body: null,
      status: 'pending',
      delivered_via: null,
      attempts: 0,
      next_attempt_at: at,
      claimed_until: null,
      last_error: null,
      created_at: at,
      updated_at: at,
      ...fields,
    };
  };

  const failed = async (queued: QueuedMail, error: unknown) => {
    const retryIn = retrySchedule[Number(queued.attempts)];
    const at = now();
    const next = retryIn === undefined ? null : toTimestamp(new Date(at.getTime() + retryIn));
    await recordMailAttempt(db, { id: queued.id, attempts: Number(queued.attempts) }, { error: describe(error), at: toTimestamp(at), next });
    logger.error(next ? 'email not sent, will retry' : 'email not sent, giving up', { id: queued.id, attempts: Number(queued.attempts) + 1, next_attempt_at: next, error: describe(error) });
  };

  const handle = async (queued: QueuedMail) => {
    let message: MailMessage;
    if (queued.kind === 'message') {
      const body = (text: string | null) => (text === null ? null : bodyOpen(queued.id, text));
      try {
        const html = body(queued.html_body);
        message = { to: queued.to_address ?? '', subject: queued.subject ?? '', text: body(queued.text_body) ?? '', ...(html !== null ? { html } : {}) };
      } catch (error) {
        // Sealed under another server secret (a process with a different DODO_PORTAL_SECRET).
        await failed(queued, new Error(`the queued body does not open under this server's secret: ${describe(error)}`));
        return;
      }
    } else {
      // A login job is resolved on every attempt (a retry issues a fresh link): its message,
      // which carries a sign-in code, only ever exists in memory — or in the test-mode outbox.
      let resolved: MailMessage | undefined;
      try {
        resolved = await deps.resolve({ kind: queued.kind, mode: queued.mode, request: JSON.parse(queued.request ?? '{}') } as LoginJob);
      } catch (error) {
        await failed(queued, error);
        return;
      }
      // Not a customer: nothing to send, and nothing of the request is kept.
      if (!resolved) return deleteQueuedMail(db, queued.id);
      message = resolved;
    }
    if (smtp.disabled) {
      if (queued.mode !== 'test') return failed({ ...queued, attempts: retrySchedule.length }, new Error('Email is not configured: set SMTP_URL.'));
      // The development outbox keeps the message readable, as `dodo-portal outbox` shows it.
      await resolveMailJob(db, queued.id, { to_address: message.to, subject: message.subject, text_body: message.text, html_body: message.html ?? null }, toTimestamp(now()));
      await recordMailAttempt(db, { id: queued.id, attempts: Number(queued.attempts) }, { sent: 'outbox', at: toTimestamp(now()) });
      logOutboxMail(logger, queued.id, message);
      return;
    }
    try {
      await withTimeout(smtp.send(message), sendTimeoutMs);
    } catch (error) {
      await failed(queued, error);
      return;
    }
    await recordMailAttempt(db, { id: queued.id, attempts: Number(queued.attempts) }, { sent: 'smtp', at: toTimestamp(now()) });
  };

  const wakeForRetries = async () => {
    const due = await nextMailDue(db);
    if (!due || stopped) return;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(kick, Math.max(50, Date.parse(due) - now().getTime()));
    retryTimer.unref();
  };

  const drain = async () => {
    let handled = 0;
    await pruneOutboxMail(db, toTimestamp(new Date(now().getTime() - OUTBOX_RETENTION_MS)));
    for (let batch = 0; batch < MAX_BATCHES_PER_PASS && !stopped; batch += 1) {
      const at = now();
      const claimed = await claimDueMail(db, { now: toTimestamp(at), leaseUntil: toTimestamp(new Date(at.getTime() + leaseMs)), limit: BATCH });
      if (claimed.length === 0) break;
      // In parallel across recipients (one slow or hanging send holds up no one else's mail), in
      // queue order for each recipient (a receipt before the "active again" that followed it).
      const byRecipient = new Map<string, QueuedMail[]>();
      for (const queued of claimed) {
        const key = queued.to_address ?? queued.id;
        byRecipient.set(key, [...(byRecipient.get(key) ?? []), queued]);
      }
      await Promise.all(
        [...byRecipient.values()].map(async (rows) => {
          for (const queued of rows) await handle(queued).catch((error: unknown) => logger.error('mail queue row failed', { id: queued.id, error: describe(error) }));
        }),
      );
      handled += claimed.length;
    }
    await wakeForRetries();
    return handled;
  };

  const kick = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    if (scheduled) return;
    scheduled = true;
    background.run('mail-queue', async () => {
      scheduled = false;
      if (running || stopped) return;
      running = true;
      try {
        await drain();
      } catch (error) {
        logger.error('mail queue drain failed', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      } finally {
        running = false;
        if (again) {
          again = false;
          kick();
        }
      }
    });
  };

  const unsubscribe = ctx.store.commits.on((topic) => {
    if (topic === 'mail') kick();
  });

  return {
    async enqueue(target, mode, message) {
      const id = newId(IdPrefix.outboxMail, ctx.random);
      if (smtp.disabled && mode === 'test') {
        // Nothing to wait for: the message is kept in the outbox at once, in `target`'s transaction.
        const at = toTimestamp(now());
        await insertQueuedMail(
          target,
          row(mode, {
            id,
            to_address: message.to,
            subject: message.subject,
            text_body: message.text,
            html_body: message.html ?? null,
            status: 'sent',
            delivered_via: 'outbox',
            attempts: 1,
            updated_at: at,
          }),
        );
        logOutboxMail(logger, id, message);
        return;
      }
      await insertQueuedMail(
        target,
        row(mode, { id, to_address: message.to, subject: message.subject, text_body: bodySeal(id, message.text), html_body: message.html === undefined ? null : bodySeal(id, message.html) }),
      );
      notifyAfterCommit(target, 'mail');
    },
    async enqueueLogin(job) {
      await insertQueuedMail(db, row(job.mode, { kind: job.kind, request: JSON.stringify(job.request) }));
      // Not a post-commit kick: the drain takes login jobs at a moment unrelated to the request.
      background.later('mail-queue-login', loginDelay.min + Math.random() * (loginDelay.max - loginDelay.min), async () => kick());
    },
    kick,
    drain,
    stop() {
      stopped = true;
      clearTimeout(retryTimer);
      unsubscribe();
    },
  };
}
