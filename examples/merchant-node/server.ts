/**
 * The integration example from the product brief: the merchant's own backend, with its own login,
 * asks the portal server for a short-lived portal session for the logged-in customer and renders a
 * page that embeds <dodo-portal> with that session's token. The secret API key never leaves this
 * process; the browser only ever sees the session token.
 *
 * Environment:
 *   DODO_PORTAL_URL  the portal server's origin (default http://127.0.0.1:8787)
 *   DODO_API_KEY     a secret key (sk_test_… or sk_live_…) of the merchant's business
 *   PORT, HOST       where this example listens (default 127.0.0.1:3000)
 *   DEMO_EMAIL       pre-filled on the login form (optional)
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

const portalUrl = (process.env.DODO_PORTAL_URL ?? 'http://127.0.0.1:8787').replace(/\/+$/, '');
const apiKey = process.env.DODO_API_KEY ?? '';
const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 3000);
const demoEmail = process.env.DEMO_EMAIL ?? '';
const origin = `http://${host}:${port}`;

if (!/^sk_(test|live)_/.test(apiKey)) {
  console.error('Set DODO_API_KEY to a secret key of your business (dodo-portal business create --json prints one).');
  process.exit(1);
}

/** The merchant's own login sessions: an opaque cookie value → the customer it logged in. */
const logins = new Map<string, { customerId: string; name: string }>();

async function merchantApi<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${portalUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${apiKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const payload = (await response.json()) as T & { error?: { code: string; message: string } };
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${payload.error?.code} ${payload.error?.message}`);
  return payload;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Acme Cloud</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d2433; }
  header { background: #1d2433; color: #fff; padding: 1rem 2rem; display: flex; justify-content: space-between; align-items: center; }
  header a { color: #fff; }
  main { max-width: 960px; margin: 2rem auto; padding: 0 1rem; }
  form { display: flex; gap: .5rem; flex-wrap: wrap; align-items: end; }
  label { display: grid; gap: .25rem; }
  input, button { font: inherit; padding: .5rem .75rem; }
  .error { color: #a4161a; }
</style>
</head>
<body>
<header><strong>Acme Cloud</strong><nav>${body.includes('data-logged-in') ? '<a href="/logout">Log out</a>' : ''}</nav></header>
<main>${body}</main>
</body>
</html>`;
}

function loginForm(message = ''): string {
  return page(
    'Log in',
    `<h1>Log in to Acme Cloud</h1>
<p>This stands in for the merchant's own login. Enter the email of a customer of the business.</p>
${message ? `<p class="error" role="alert">${escapeHtml(message)}</p>` : ''}
<form method="post" action="/login">
  <label>Email <input type="email" name="email" required autocomplete="email" value="${escapeHtml(demoEmail)}"></label>
  <button type="submit">Log in</button>
</form>`,
  );
}

function readCookie(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of request) {
    body += chunk;
    if (body.length > 10_000) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

function send(response: ServerResponse, status: number, html: string, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers });
  response.end(html);
}

const redirect = (response: ServerResponse, location: string, headers: Record<string, string> = {}) => {
  response.writeHead(303, { location, ...headers });
  response.end();
};

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', origin);
  const login = logins.get(readCookie(request, 'acme_login') ?? '');

  if (request.method === 'GET' && url.pathname === '/') return redirect(response, login ? '/account' : '/login');
  if (request.method === 'GET' && url.pathname === '/login') return send(response, 200, loginForm());

  if (request.method === 'POST' && url.pathname === '/login') {
    const email = (await readForm(request)).get('email')?.trim() ?? '';
    const found = await merchantApi<{ items: { customer_id: string; name: string }[] }>('GET', `/v1/customers?email=${encodeURIComponent(email)}`).catch(() => ({ items: [] }));
    const customer = found.items[0];
    if (!customer) return send(response, 401, loginForm('No customer with that email.'));
    const id = randomBytes(32).toString('base64url');
    logins.set(id, { customerId: customer.customer_id, name: customer.name });
    return redirect(response, '/account', { 'set-cookie': `acme_login=${id}; HttpOnly; SameSite=Lax; Path=/` });
  }

  if (request.method === 'GET' && url.pathname === '/logout') {
    logins.delete(readCookie(request, 'acme_login') ?? '');
    // The portal sessions this login opened outlive the page (another tab could still cancel the
    // subscription): end them, and any unused magic link, before saying the customer is out.
    if (login) {
      await merchantApi('POST', `/v1/customers/${encodeURIComponent(login.customerId)}/customer-portal/sessions/revoke`).catch((error: unknown) =>
        console.error(`could not revoke the portal sessions of ${login.customerId}: ${String(error)}`),
      );
    }
    return redirect(response, '/login', { 'set-cookie': 'acme_login=; Max-Age=0; Path=/' });
  }

  if (!login) return redirect(response, '/login');

  // Embedded: a fresh, short-lived session per page view, bound to this customer only.
  if (request.method === 'GET' && url.pathname === '/account') {
    const session = await merchantApi<{ session_token: string; expires_at: string }>('POST', `/v1/customers/${encodeURIComponent(login.customerId)}/customer-portal/session`, {
      ttl_seconds: 3600,
      return_url: `${origin}/account`,
    });
    return send(
      response,
      200,
      page(
        'Billing',
        `<h1 data-logged-in>Billing for ${escapeHtml(login.name)}</h1>
<p>Your invoices, straight from Acme Cloud's billing portal — without leaving this page.
Prefer a full page? <a href="/billing">Open the hosted portal</a>.</p>
<dodo-portal api-base="${escapeHtml(portalUrl)}" session-token="${escapeHtml(session.session_token)}"></dodo-portal>
<script src="${escapeHtml(portalUrl)}/dodo-portal.js"></script>`,
      ),
    );
  }

  // Hosted: redirect the customer to the portal server's own page for this session.
  if (request.method === 'GET' && url.pathname === '/billing') {
    const session = await merchantApi<{ link: string }>('POST', `/v1/customers/${encodeURIComponent(login.customerId)}/customer-portal/session`, { return_url: `${origin}/account` });
    return redirect(response, session.link);
  }

  send(response, 404, page('Not found', '<h1>Not found</h1>'));
}

createServer((request, response) => {
  handle(request, response).catch((error: unknown) => {
    console.error(error);
    if (!response.headersSent) send(response, 502, page('Error', '<h1>The billing portal is unavailable right now.</h1>'));
    else response.end();
  });
}).listen(port, host, () => {
  console.log(`Merchant example listening on ${origin}/ (portal server ${portalUrl})`);
});
