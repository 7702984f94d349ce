/**
 * The webhook-restart drill's books: what the receiver was sent (each request, verified and
 * answered or not), the server's stops, and the server's own list of deliveries, reckoned into
 * the drill's figures and failures. Pure, so each rule is tested on arrivals written out by hand
 * (webhook-books.test.ts).
 */

export interface Arrival {
  /** The `webhook-id` header. */
  id: string;
  /** performance.now() when the request was read. */
  at: number;
  /** `new Webhook(secret).verify(body, headers)` of standardwebhooks passed. */
  verified: boolean;
  /** The event, as `type:object` (see eventKey). */
  event: string;
  /** What the receiver did: accepted it (200), answered 500, or cut the connection. */
  answer: 'ok' | '500' | 'dropped';
}

export interface Stop {
  signal: 'SIGKILL' | 'SIGTERM';
  at: number;
}

/** One delivery as `GET /v1/webhook-endpoints/{id}/deliveries` lists it (the fields the books read). */
export interface Delivery {
  delivery_id: string;
  status: string;
  attempts: { attempted_at: string }[];
}

export interface Books {
  figures: {
    events: number;
    delivered: number;
    duplicates: number;
    redeliveries: number;
    duplicate_events: number;
    lost: number;
    bad_signatures: number;
    failed_attempts: number;
    max_attempts: number;
    early_retries: number;
  };
  /** The first accepted arrival of each `webhook-id`: what a receiver that dedups acts on. */
  accepted: Map<string, Arrival>;
  failures: string[];
}

/** What an event is about: `payment.succeeded:<payment>` (`:sub:<subscription>` for a first period), else `<type>:<subscription>`. */
export function eventKey(body: string): string {
  try {
    const { type, data } = JSON.parse(body) as { type: string; data: Record<string, unknown> };
    if (type === 'payment.succeeded') return data.subscription_id ? `payment.succeeded:sub:${String(data.subscription_id)}` : `payment.succeeded:${String(data.payment_id)}`;
    return `${type}:${String(data.subscription_id)}`;
  } catch {
    return `unreadable body ${body.slice(0, 80)}`;
  }
}

/**
 * `stops[i]` ended server process i, and `restartsAt[i]` is when process i + 1 was started (after
 * process i had exited), so a request read before `restartsAt[i]` was posted by process i or an
 * earlier one. `expected` are the events of acknowledged writes; `schedule` the retry delays the
 * server was given (each recorded attempt must come at least its delay after the one before).
 */
export function keepBooks(input: { arrivals: Arrival[]; stops: Stop[]; restartsAt: number[]; deliveries: Delivery[]; expected: Set<string>; schedule: readonly number[] }): Books {
  const { arrivals, stops, restartsAt, deliveries, expected, schedule } = input;
  const failures: string[] = [];
  const processOf = (at: number) => restartsAt.filter((began) => began <= at).length;
  const byId = new Map<string, Arrival[]>();
  for (const arrival of arrivals) byId.set(arrival.id, [...(byId.get(arrival.id) ?? []), arrival]);
  const outbox = new Map(deliveries.map((delivery) => [delivery.delivery_id, delivery]));

  const accepted = new Map<string, Arrival>();
  let redeliveries = 0;
  let duplicates = 0;
  for (const [id, list] of byId) {
    const oks = list.filter((arrival) => arrival.answer === 'ok');
    if (oks.length === 0) continue;
    accepted.set(id, oks[0]!);
    for (let i = 1; i < oks.length; i += 1) {
      redeliveries += 1;
      // At-least-once: the same id again is right only when the process that posted the accepted
      // one was SIGKILLed (maybe before it heard the answer, or before it recorded it). A graceful
      // stop records the answer; a live process never posts an accepted delivery again.
      const poster = processOf(oks[i - 1]!.at);
      if (poster < processOf(oks[i]!.at) && stops[poster]?.signal === 'SIGKILL') continue;
      duplicates += 1;
      const stopsSeen = stops.map((stop) => `${stop.signal}@${Math.round(stop.at)}`).join(' ') || 'none';
      failures.push(
        `${id} (${oks[i]!.event}) was accepted again with no SIGKILL of the process that posted it (at ${Math.round(oks[i - 1]!.at)} and ${Math.round(oks[i]!.at)} ms; stops ${stopsSeen}; recorded attempts ${JSON.stringify(outbox.get(id)?.attempts ?? 'none: not in the deliveries')})`,
      );
    }
  }

  const badSignatures = arrivals.filter((arrival) => !arrival.verified);
  for (const arrival of badSignatures.slice(0, 5)) failures.push(`${arrival.id || '(no webhook-id)'}: signature refused by standardwebhooks`);

  let lost = 0;
  const lose = (failure: string) => {
    lost += 1;
    if (lost <= 10) failures.push(failure);
  };
  for (const delivery of deliveries) {
    if (delivery.status === 'succeeded' && accepted.has(delivery.delivery_id)) continue;
    lose(
      `${delivery.delivery_id} is ${delivery.status} after ${delivery.attempts.length} recorded attempts; the receiver ${accepted.has(delivery.delivery_id) ? 'has it' : 'never accepted it'}`,
    );
  }
  const idsOfEvent = new Map<string, Set<string>>();
  for (const [id, arrival] of accepted) idsOfEvent.set(arrival.event, (idsOfEvent.get(arrival.event) ?? new Set()).add(id));
  for (const event of expected) if (!idsOfEvent.has(event)) lose(`the event ${event} of an acknowledged write never arrived`);

  let duplicateEvents = 0;
  for (const [event, ids] of idsOfEvent) {
    if (ids.size < 2) continue;
    duplicateEvents += 1;
    failures.push(`the event ${event} arrived under ${ids.size} webhook-ids: ${[...ids].join(', ')}`);
  }
  for (const id of [...accepted.keys()].filter((id) => !outbox.has(id)).slice(0, 5)) failures.push(`${id} arrived but is not in the endpoint's deliveries`);

  // The schedule, as the server recorded it: attempt n + 1 no sooner than delay n after attempt n.
  let earlyRetries = 0;
  for (const delivery of deliveries) {
    const times = delivery.attempts.map((attempt) => Date.parse(attempt.attempted_at)).sort((a, b) => a - b);
    for (let n = 1; n < times.length; n += 1) {
      const gap = times[n]! - times[n - 1]!;
      if (gap >= (schedule[n - 1] ?? Infinity)) continue;
      earlyRetries += 1;
      const delay = schedule[n - 1];
      if (earlyRetries <= 5)
        failures.push(
          delay === undefined
            ? `${delivery.delivery_id}: attempt ${n + 1} was made, past the end of the ${schedule.length}-delay schedule`
            : `${delivery.delivery_id}: attempt ${n + 1} came ${gap} ms after attempt ${n}, sooner than the ${delay} ms retry delay`,
        );
    }
  }

  return {
    figures: {
      events: deliveries.length,
      delivered: accepted.size,
      duplicates,
      redeliveries,
      duplicate_events: duplicateEvents,
      lost,
      bad_signatures: badSignatures.length,
      failed_attempts: arrivals.filter((arrival) => arrival.answer !== 'ok').length,
      max_attempts: Math.max(0, ...[...byId.values()].map((list) => list.length)),
      early_retries: earlyRetries,
    },
    accepted,
    failures,
  };
}
