/**
 * The drills' JSON client over real TCP: one call, its status and parsed body, and `must` for the
 * setup calls that have to succeed. Each call from its own `x-forwarded-for` address (the servers
 * trust the proxy header) so the per-IP limits, tested on their own, answer no drill request.
 */
export interface Answer {
  status: number;
  text: string;
  json: unknown;
}

let client = 0;

export async function call(url: string, token: string | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  client += 1;
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      'x-forwarded-for': `10.${(client >> 16) & 255}.${(client >> 8) & 255}.${client & 255}`,
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

export async function must<T>(url: string, status: number, token: string | null, method: string, path: string, body?: unknown): Promise<T> {
  const answer = await call(url, token, method, path, body);
  if (answer.status !== status) throw new Error(`setup ${method} ${path}: expected ${status}, got ${answer.status}: ${answer.text.slice(0, 300)}`);
  return answer.json as T;
}

export const CARD = { number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' };
