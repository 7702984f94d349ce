/**
 * The shutdown drill: SIGTERM to a real `dodo-portal serve` while 50 requests are in flight (half
 * on open keep-alive connections, half each on a new connection) and the scheduler is ticking
 * every 10 ms. Every request in flight must
 * get its whole answer (none reset), a request sent after the signal must be refused cleanly (a
 * refused connection: the server prints "Stopped accepting connections." when it closes its listener), the running
 * scheduler pass must finish (no "scheduler pass failed" in the log), and the process must exit 0
 * within 10 s.
 */
import { Agent, request as httpRequest } from 'node:http';
import type { Drill } from './drill.ts';
import { CARD, must } from './http.ts';
import { startDrillServer } from './serve.ts';

const IN_FLIGHT = 50;
const EXIT_WITHIN_MS = 10_000;

interface Outcome {
  status: number;
  body: string;
  error?: string;
}

/** One GET over `agent` (or its own connection when `agent` is false), read to the end. */
function get(url: string, path: string, token: string, agent: Agent | false): Promise<Outcome> {
  return new Promise((resolve) => {
    const request = httpRequest(`${url}${path}`, { method: 'GET', agent, headers: { authorization: `Bearer ${token}` } }, (response) => {
      let body = '';
      response.setEncoding('latin1');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', (error: NodeJS.ErrnoException) => resolve({ status: response.statusCode ?? 0, body, error: error.code ?? error.message }));
    });
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ status: 0, body: '', error: error.code ?? error.message }));
    request.end();
  });
}

const cleanRefusal = (outcome: Outcome) => outcome.error === 'ECONNREFUSED';

export const shutdown: Drill = {
  name: 'shutdown',
  serialStores: true,
  async run({ full, store, databaseUrl, log }) {
    const failures: string[] = [];
    const figures = { rounds: 0, in_flight: 0, finished: 0, reset: 0, refused: 0, unclean_refusal: 0, exit_code: 0, exit_ms: 0 };
    const rounds = full ? 5 : 1;
    for (let round = 0; round < rounds; round += 1) {
      const server = await startDrillServer({ store, databaseUrl }, { TRUST_PROXY: '1', SCHEDULER_INTERVAL_MS: '10' });
      const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
      try {
        const key = server.business.keys.test;
        const { url } = server;
        const customer = await must<{ customer_id: string }>(url, 201, key, 'POST', '/v1/customers', { email: `shutdown${round}@drill.example`, name: 'Shutdown' });
        const product = await must<{ product_id: string }>(url, 201, key, 'POST', '/v1/products', {
          name: 'Pro',
          billing_type: 'subscription',
          price: 1500,
          currency: 'USD',
          interval: 'month',
        });
        const card = await must<{ card_token: string }>(url, 201, null, 'POST', '/sandbox/v1/tokens', CARD);
        await must(url, 201, key, 'POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: product.product_id, card_token: card.card_token });
        const session = await must<{ session_token: string }>(url, 201, key, 'POST', `/v1/customers/${customer.customer_id}/customer-portal/session`, {});
        const token = session.session_token;
        const invoices = await must<{ items: { invoice_id: string }[] }>(url, 200, token, 'GET', '/portal/v1/invoices');
        const pdf = `/portal/v1/invoices/${invoices.items[0]!.invoice_id}/pdf`;
        // Open the keep-alive connections first, so the requests in flight ride on reused sockets.
        await Promise.all(Array.from({ length: IN_FLIGHT }, () => get(url, '/healthz', token, agent)));

        // PDFs and lists in flight together, and the signal 30 ms later.
        const inFlight = Array.from({ length: IN_FLIGHT }, (_, i) => {
          // Half on the open keep-alive connections, half each on a connection of its own (sent
          // just before the signal, some still unread or in the listen backlog when it comes).
          const answer = get(url, i % 4 < 2 ? pdf : '/portal/v1/invoices', token, i % 2 === 0 ? agent : false);
          let settled = false;
          const sent = performance.now();
          const timed = answer.then((outcome) => {
            settled = true;
            return { ...outcome, error: outcome.error && `${outcome.error} after ${Math.round(performance.now() - sent)} ms on ${i % 2 === 0 ? 'a keep-alive' : 'a new'} connection` };
          });
          return { answer: timed, settled: () => settled };
        });
        await new Promise((resolve) => setTimeout(resolve, 30));
        const signalled = performance.now();
        const inFlightAtSignal = inFlight.filter((request) => !request.settled());
        process.kill(server.pid, 'SIGTERM');
        // New requests once the server has taken the signal (a connection still in the listen
        // backlog when the listener closes is reset by the kernel, whatever the server does), on
        // new connections, while the drain runs.
        while (!/Stopped accepting connections/.test(server.stderr()) && performance.now() - signalled < EXIT_WITHIN_MS) await new Promise((resolve) => setTimeout(resolve, 2));
        const late = await Promise.all(Array.from({ length: 10 }, () => get(url, '/portal/v1/invoices', token, false)));
        const code = await Promise.race([server.exited, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), EXIT_WITHIN_MS + 5_000))]);
        const exitMs = Math.round(performance.now() - signalled);

        figures.rounds += 1;
        figures.in_flight += inFlightAtSignal.length;
        for (const { answer } of inFlightAtSignal) {
          const outcome = await answer;
          const whole = outcome.status === 200 && !outcome.error && (outcome.body.startsWith('%PDF') ? outcome.body.trimEnd().endsWith('%%EOF') : outcome.body.endsWith('}'));
          if (whole) figures.finished += 1;
          else {
            figures.reset += 1;
            failures.push(`round ${round}: a request in flight at SIGTERM got ${outcome.status} ${outcome.error ?? ''} ${outcome.body.slice(0, 120)}`);
          }
        }
        for (const outcome of late) {
          if (cleanRefusal(outcome)) figures.refused += 1;
          else {
            figures.unclean_refusal += 1;
            failures.push(`round ${round}: a request after SIGTERM got ${outcome.status} ${outcome.error ?? ''} ${outcome.body.slice(0, 120)}`);
          }
        }
        if (code === 'timeout') failures.push(`round ${round}: still running ${EXIT_WITHIN_MS + 5_000} ms after SIGTERM`);
        else if (code !== 0) failures.push(`round ${round}: exited ${code}`);
        if (code !== 0) figures.exit_code = typeof code === 'number' ? code : -1;
        figures.exit_ms = Math.max(figures.exit_ms, exitMs);
        if (exitMs > EXIT_WITHIN_MS) failures.push(`round ${round}: exited ${exitMs} ms after SIGTERM (limit ${EXIT_WITHIN_MS})`);
        if (/scheduler pass failed|unhandled error/.test(server.stderr())) failures.push(`round ${round}: server log: ${server.stderr().slice(-2_000)}`);
      } finally {
        agent.destroy();
        await server.stop();
      }
    }
    for (const [figure, value] of Object.entries(figures)) log(figure, value);
    return { failures };
  },
};
