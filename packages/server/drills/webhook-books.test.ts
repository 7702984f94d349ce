/** The webhook-restart drill's books, on arrivals written out here: each rule must catch the server that breaks it. */
import { describe, expect, it } from 'vitest';
import { eventKey, keepBooks, type Arrival, type Delivery, type Stop } from './webhook-books.ts';

const ok = (id: string, at: number, event = `payment.succeeded:pay_${id}`): Arrival => ({ id, at, verified: true, event, answer: 'ok' });
const down = (id: string, at: number, answer: '500' | 'dropped' = '500'): Arrival => ({ ...ok(id, at), answer });
const at = (ms: number) => ({ attempted_at: new Date(1_800_000_000_000 + ms).toISOString() });
const succeeded = (id: string): Delivery => ({ delivery_id: id, status: 'succeeded', attempts: [at(0), at(250)] });
const schedule = [250, 500];
const none = new Set<string>();
// Process 0 ran until a stop at 100 and process 1 started at 150; process 1 until a stop at 300, process 2 from 350.
const timeline = (first: Stop['signal'], second: Stop['signal']) => ({
  stops: [
    { signal: first, at: 100 },
    { signal: second, at: 300 },
  ],
  restartsAt: [150, 350],
});

describe('keepBooks', () => {
  it('passes every delivery accepted once, after failed attempts, verified', () => {
    const { figures, failures } = keepBooks({
      arrivals: [down('a', 10), down('a', 20, 'dropped'), ok('a', 200), ok('b', 210)],
      ...timeline('SIGKILL', 'SIGTERM'),
      deliveries: [succeeded('a'), succeeded('b')],
      expected: new Set(['payment.succeeded:pay_a']),
      schedule,
    });
    expect(failures).toEqual([]);
    expect(figures).toEqual({
      events: 2,
      delivered: 2,
      duplicates: 0,
      redeliveries: 0,
      duplicate_events: 0,
      lost: 0,
      bad_signatures: 0,
      failed_attempts: 2,
      max_attempts: 3,
      early_retries: 0,
    });
  });

  it('excuses an id accepted again after the process that posted it was SIGKILLed — also one read just after the kill', () => {
    const { figures, failures } = keepBooks({
      arrivals: [ok('a', 90), ok('a', 160), ok('b', 101), ok('b', 170)],
      ...timeline('SIGKILL', 'SIGTERM'),
      deliveries: [succeeded('a'), succeeded('b')],
      expected: none,
      schedule,
    });
    expect(failures).toEqual([]);
    expect(figures).toMatchObject({ delivered: 2, redeliveries: 2, duplicates: 0 });
  });

  it('counts a duplicate when the same process posts an accepted id again, or after a graceful stop', () => {
    const same = keepBooks({ arrivals: [ok('a', 160), ok('a', 200)], ...timeline('SIGKILL', 'SIGKILL'), deliveries: [succeeded('a')], expected: none, schedule });
    expect(same.figures).toMatchObject({ redeliveries: 1, duplicates: 1 });
    expect(same.failures[0]).toContain('a (payment.succeeded:pay_a) was accepted again with no SIGKILL');
    const afterTerm = keepBooks({ arrivals: [ok('a', 90), ok('a', 160)], ...timeline('SIGTERM', 'SIGKILL'), deliveries: [succeeded('a')], expected: none, schedule });
    expect(afterTerm.figures).toMatchObject({ duplicates: 1 });
    // Accepted under process 1 (stopped with SIGTERM), again under process 2: the later SIGKILL of process 1's successor does not excuse it.
    const across = keepBooks({ arrivals: [ok('a', 200), ok('a', 400)], ...timeline('SIGKILL', 'SIGTERM'), deliveries: [succeeded('a')], expected: none, schedule });
    expect(across.figures).toMatchObject({ duplicates: 1 });
  });

  it('counts as lost a delivery still pending or failed, one the receiver never accepted, and an acknowledged event that never came', () => {
    const { figures, failures } = keepBooks({
      arrivals: [down('a', 10), ok('b', 20), ok('c', 30)],
      stops: [],
      restartsAt: [],
      deliveries: [{ delivery_id: 'a', status: 'pending', attempts: [at(0)] }, { delivery_id: 'b', status: 'failed', attempts: [] }, succeeded('c'), succeeded('d')],
      expected: new Set(['payment.succeeded:pay_c', 'subscription.updated:sub_9']),
      schedule,
    });
    expect(figures.lost).toBe(4);
    expect(failures).toEqual([
      'a is pending after 1 recorded attempts; the receiver never accepted it',
      'b is failed after 0 recorded attempts; the receiver has it',
      'd is succeeded after 2 recorded attempts; the receiver never accepted it',
      'the event subscription.updated:sub_9 of an acknowledged write never arrived',
    ]);
  });

  it('flags one event under two webhook-ids, an id the server never listed, and a signature that does not verify', () => {
    const { figures, failures } = keepBooks({
      arrivals: [ok('a', 10, 'subscription.active:sub_1'), ok('b', 20, 'subscription.active:sub_1'), { ...ok('x', 30), verified: false }],
      stops: [],
      restartsAt: [],
      deliveries: [succeeded('a'), succeeded('b')],
      expected: none,
      schedule,
    });
    expect(figures).toMatchObject({ duplicate_events: 1, bad_signatures: 1 });
    expect(failures).toContain('the event subscription.active:sub_1 arrived under 2 webhook-ids: a, b');
    expect(failures).toContain('x: signature refused by standardwebhooks');
    expect(failures).toContain("x arrived but is not in the endpoint's deliveries");
  });
});

describe('keepBooks on the schedule', () => {
  it('flags a retry that came sooner than its delay, as the server recorded the attempts', () => {
    const onTime = keepBooks({
      arrivals: [],
      stops: [],
      restartsAt: [],
      deliveries: [{ delivery_id: 'a', status: 'pending', attempts: [at(0), at(260), at(900)] }],
      expected: none,
      schedule,
    });
    expect(onTime.figures.early_retries).toBe(0);
    const early = keepBooks({
      arrivals: [],
      stops: [],
      restartsAt: [],
      deliveries: [{ delivery_id: 'a', status: 'pending', attempts: [at(0), at(260), at(600)] }],
      expected: none,
      schedule,
    });
    expect(early.figures.early_retries).toBe(1);
    expect(early.failures).toContain('a: attempt 3 came 340 ms after attempt 2, sooner than the 500 ms retry delay');
    // Past the end of the schedule there is no further attempt to make at all.
    const extra = keepBooks({
      arrivals: [],
      stops: [],
      restartsAt: [],
      deliveries: [{ delivery_id: 'a', status: 'failed', attempts: [at(0), at(250), at(750), at(5_000)] }],
      expected: none,
      schedule,
    });
    expect(extra.failures).toContain('a: attempt 4 was made, past the end of the 2-delay schedule');
  });
});

describe('eventKey', () => {
  it('names a payment by its id, a first period by its subscription, and a subscription event by its subscription', () => {
    expect(eventKey(JSON.stringify({ type: 'payment.succeeded', data: { payment_id: 'pay_1', subscription_id: null } }))).toBe('payment.succeeded:pay_1');
    expect(eventKey(JSON.stringify({ type: 'payment.succeeded', data: { payment_id: 'pay_2', subscription_id: 'sub_1' } }))).toBe('payment.succeeded:sub:sub_1');
    expect(eventKey(JSON.stringify({ type: 'subscription.updated', data: { subscription_id: 'sub_1' } }))).toBe('subscription.updated:sub_1');
    expect(eventKey('{not json')).toBe('unreadable body {not json');
  });
});
