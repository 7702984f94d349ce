/**
 * The fuzz drill's generator and checker, kept apart from the network so they can be tested on
 * their own: operations read from an OpenAPI 3.1 document, a valid body per operation from
 * `openapi-sampler`, and one mutation of it per request, drawn from fast-check's seeded values;
 * then Ajv (2020-12, with ajv-formats) judges each answer against the document.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { sample } from 'openapi-sampler';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- walks an untyped JSON document (OpenAPI) field by field
export type Json = Record<string, any>;

export interface Operation {
  method: string;
  path: string;
  operationId: string;
  /** Which bearer token it takes (from `security`), or none. */
  auth: 'merchant' | 'portal' | 'unified' | 'none';
  pathParams: string[];
  queryParams: { name: string; schema: Json }[];
  bodySchema?: Json;
  operation: Json;
}

export const mutationKinds = [
  'valid',
  'wrong_type',
  'missing_field',
  'extra_field',
  'huge_string',
  'control_chars',
  'deep_nesting',
  'malformed_json',
  'wrong_content_type',
  'oversized_body',
  'path_trick',
  'foreign_id',
  'bad_query',
  'no_auth',
] as const;
export type MutationKind = (typeof mutationKinds)[number];

/** One generated request: what goes on the wire, and why. */
export interface FuzzRequest {
  kind: MutationKind;
  operationId: string;
  method: string;
  path: string;
  /** The raw body on the wire (a string so malformed JSON can be sent), or none. */
  body?: string;
  contentType?: string;
  auth: Operation['auth'];
}

/** Known ids per collection (`customers`, `payments`, …: the path segment before `{…_id}`). */
export type IdPool = Map<string, string[]>;

/** Every operation of the document, with what a request to it needs. */
export function readOperations(doc: Json): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    for (const [method, operation] of Object.entries(item as Json)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const scheme = Object.keys((operation.security ?? doc.security ?? [])[0] ?? {})[0];
      const auth = scheme === 'bearerAuth' ? 'merchant' : scheme === 'sessionToken' ? 'portal' : scheme === 'unifiedToken' ? 'unified' : 'none';
      const parameters = (operation.parameters ?? []) as Json[];
      const bodySchema = operation.requestBody?.content?.['application/json']?.schema as Json | undefined;
      out.push({
        method: method.toUpperCase(),
        path,
        operationId: operation.operationId,
        auth,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        ...(bodySchema ? { bodySchema } : {}),
        operation,
      });
    }
  }
  return out;
}

/** The collection an id field or path parameter `customer_id` points into: `customers`. */
export const collectionOf = (name: string): string => `${name.replace(/_id$/, '')}s`;

/** Records every `*_id` a 2xx answer names (in the body, or each record of a page) under its collection. */
export function harvest(ids: IdPool, body: unknown): void {
  const walk = (value: unknown, depth: number) => {
    if (value === null || typeof value !== 'object' || depth > 3) return;
    for (const [key, field] of Object.entries(value)) {
      if ((key.endsWith('_id') || key === 'card_token') && typeof field === 'string' && field.length > 0) {
        const list = ids.get(collectionOf(key)) ?? [];
        if (!list.includes(field) && list.length < 20) list.push(field);
        ids.set(collectionOf(key), list);
      } else walk(field, depth + 1);
    }
  };
  walk(body, 0);
}

/**
 * Field values the sampler cannot guess (its "string" is no currency): the valid case should get
 * past validation to the handlers, where the deeper defects are.
 */
const realistic: Record<string, unknown> = {
  currency: 'USD',
  country: 'US',
  locale: 'en',
  number: '4242424242424242',
  exp_month: 12,
  exp_year: 2040,
  cvc: '123',
  price: 1200,
  unit_amount: 500,
  amount: 100,
};

/** A valid-looking body: the sampler's example, with `*_id` fields pointing at ids the server made. */
export function validBody(doc: Json, schema: Json, ids: IdPool, n: number): unknown {
  const body = sample(schema, { skipReadOnly: true, quiet: true }, doc) as unknown;
  const fill = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(fill);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, field]) => {
        const known = ids.get(collectionOf(key));
        if ((key.endsWith('_id') || key === 'card_token') && typeof field === 'string' && known?.length) return [key, known[n % known.length]];
        if (key === 'email' && typeof field === 'string') return [key, `fuzz${n}@example.com`];
        return [key, key in realistic && typeof field === typeof realistic[key] ? realistic[key] : fill(field)];
      }),
    );
  };
  return fill(body);
}

/** Text no handler expects: NUL, other C0 controls, a lone surrogate, bidi overrides, a BOM. */
const controlChars = '\u0000\u0001\u0007\b\u001b\u007f\ud800\u202e\ufeff\r\n\t';
// Not `%2e%2e`: the URL parser (fetch's, a browser's) sends it as `..` and collapses the path into
// another operation's, so it would test the client, not this operation.
const pathTricks = [
  '..%2F..%2Fv1%2Fbusiness',
  '%00',
  'a%2Fb',
  '%252e%252e%252f',
  encodeURIComponent(controlChars.replace('\ud800', '')),
  '%ED%A0%80',
  'x'.repeat(5_000),
  '%E2%80%AE',
  '%ZZ',
  '%F0%9F%92%A9',
];
/** `depth` levels of `{"a":[…]}` as text: JSON.stringify of so deep a value would overflow our own stack. */
const deepText = (depth: number) => `${'{"a":['.repeat(depth)}"bottom"${']}'.repeat(depth)}`;
const DEEP_MARK = '\u0000deep\u0000';

/** Replaces one value somewhere in `body` (the first `pick`-th leaf, counting round) with `make(old)`. */
function replaceLeaf(body: unknown, pick: number, make: (old: unknown) => unknown): unknown {
  const leaves: (string | number)[][] = [];
  const walk = (value: unknown, at: (string | number)[]) => {
    if (value !== null && typeof value === 'object') {
      const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
      if (entries.length === 0) leaves.push(at);
      for (const [key, child] of entries) walk(child, [...at, key]);
    } else leaves.push(at);
  };
  walk(body, []);
  const target = leaves[pick % leaves.length]!;
  if (target.length === 0) return make(body);
  const copy = structuredClone(body) as Json;
  let parent = copy;
  for (const key of target.slice(0, -1)) parent = parent[key];
  parent[target.at(-1)!] = make(parent[target.at(-1)!]);
  return copy;
}

/** The other collections' ids, for a `foreign_id` (an id of the wrong kind, which must be a clean 404/400). */
const foreignId = (ids: IdPool, own: string, n: number): string => {
  const others = [...ids.entries()].filter(([name]) => name !== own).flatMap(([, list]) => list);
  return others.length ? others[n % others.length]! : `cus_${'0'.repeat(24)}`;
};

export interface Draw {
  /** Chooses among alternatives. */
  n: number;
  /** A value of any JSON-ish type, for `wrong_type` and `extra_field`. */
  noise: unknown;
}

/** The request that `kind` makes of `op`. Pure: same inputs, same request. */
export function buildRequest(doc: Json, op: Operation, kind: MutationKind, ids: IdPool, draw: Draw): FuzzRequest {
  const { n } = draw;
  let path = op.path;
  for (const name of op.pathParams) {
    const own = collectionOf(name);
    const known = ids.get(own) ?? [];
    const value =
      kind === 'path_trick'
        ? pathTricks[n % pathTricks.length]!
        : kind === 'foreign_id'
          ? foreignId(ids, own, n)
          : (known[n % Math.max(1, known.length)] ?? `${name.replace(/_id$/, '')}_missing`);
    path = path.replace(`{${name}}`, kind === 'path_trick' ? value : encodeURIComponent(value));
  }
  if (kind === 'bad_query' || (kind === 'valid' && op.queryParams.length > 0 && n % 3 === 0)) {
    const params = new URLSearchParams();
    for (const { name, schema } of op.queryParams) {
      if (kind === 'valid') params.set(name, String(sample(schema, { quiet: true }, doc) ?? ''));
      else params.set(name, [String(draw.noise), '-1', '1e309', 'NaN', controlChars, 'x'.repeat(3_000)][n % 6]!);
    }
    if (kind === 'bad_query') params.append('limit', '[object Object]');
    const query = params.toString();
    if (query) path += `?${query}`;
  }
  const request: FuzzRequest = { kind, operationId: op.operationId, method: op.method, path, auth: kind === 'no_auth' ? 'none' : op.auth };
  const takesBody = op.method !== 'GET';
  if (!takesBody) return request;
  const valid = op.bodySchema ? validBody(doc, op.bodySchema, ids, n) : undefined;
  const json = (value: unknown): FuzzRequest => ({ ...request, body: JSON.stringify(value), contentType: 'application/json' });
  const base = (valid ?? {}) as Json;
  switch (kind) {
    case 'valid':
    case 'path_trick':
    case 'foreign_id':
    case 'bad_query':
    case 'no_auth':
      return valid === undefined ? request : json(valid);
    case 'wrong_type':
      return json(replaceLeaf(base, n, (old) => (typeof draw.noise === typeof old ? [draw.noise] : draw.noise)));
    case 'missing_field': {
      const keys = Object.keys(base);
      if (keys.length === 0) return json(null);
      const copy = { ...base };
      delete copy[keys[n % keys.length]!];
      return json(copy);
    }
    case 'extra_field': {
      // `__proto__` as a key on the wire (an object literal would set the prototype instead).
      const text = JSON.stringify({ ...base, [`extra_${n % 7}`]: draw.noise, constructor: { prototype: { polluted: true } } });
      return { ...json(base), body: text.startsWith('{') ? `{"__proto__":{"polluted":true},${text.slice(1)}` : text };
    }
    case 'huge_string':
      return json(replaceLeaf(base, n, () => 'x'.repeat(200_000)));
    case 'control_chars':
      return json(replaceLeaf(base, n, (old) => `${String(old)}${controlChars}`));
    case 'deep_nesting': {
      const text = JSON.stringify(replaceLeaf(base, n, () => DEEP_MARK));
      return { ...json(base), body: text.replace(JSON.stringify(DEEP_MARK), deepText(2_000 + (n % 8_000))) };
    }
    case 'malformed_json':
      return { ...request, body: ['{', '{"a":', '[1,2', '{"a":1,}', 'nul', '\u0000', `${JSON.stringify(base)}}`, "{'a':1}"][n % 8]!, contentType: 'application/json' };
    case 'wrong_content_type':
      return {
        ...request,
        body: JSON.stringify(base),
        contentType: ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/json; charset=utf-16'][n % 5]!,
      };
    case 'oversized_body':
      return json({ ...base, pad: 'x'.repeat(1_100_000 + (n % 1_000_000)) });
  }
}

/** fast-check's values for `count` requests under `seed`: the operation, the mutation and the noise. */
export function drawCases(seed: number, count: number, operations: number): { op: number; kind: MutationKind; draw: Draw }[] {
  const arbitrary = fc.record({ op: fc.nat({ max: operations - 1 }), kind: fc.constantFrom(...mutationKinds), n: fc.nat(), noise: fc.jsonValue() });
  return fc.sample(arbitrary, { seed, numRuns: count }).map(({ op, kind, n, noise }) => ({ op, kind, draw: { n, noise } }));
}

/** True when `body` is the one error shape `{error: {code, message}}` (both non-empty strings). */
export function isErrorShape(body: unknown): boolean {
  if (body === null || typeof body !== 'object') return false;
  const error = (body as Json).error as unknown;
  if (error === null || typeof error !== 'object') return false;
  const { code, message } = error as Json;
  return typeof code === 'string' && code.length > 0 && typeof message === 'string' && message.length > 0;
}

/** An Ajv over the whole document: `check(op, status, body)` says what is wrong with an answer, or nothing. */
export function responseChecker(doc: Json): (op: Operation, status: number, contentType: string, body: unknown) => string | undefined {
  // The document's own keywords (`example`, `x-error-codes`, `discriminator`) are not JSON Schema: not strict.
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
  addFormats.default(ajv);
  ajv.addSchema(doc, 'openapi');
  const cache = new Map<string, ReturnType<typeof ajv.compile>>();
  const pointer = (part: string) => part.replaceAll('~', '~0').replaceAll('/', '~1');
  return (op, status, contentType, body) => {
    const response = (op.operation.responses as Json)[String(status)] as Json | undefined;
    if (!response) return `undocumented status ${status}`;
    const content = response.content as Json | undefined;
    if (!content) return body === undefined ? undefined : `a body where none is documented`;
    const media = Object.keys(content).find((type) => contentType.startsWith(type));
    if (!media) return `content type ${contentType || '(none)'} is not one of ${Object.keys(content).join(', ')}`;
    if (!media.includes('json')) return undefined;
    const ref = `openapi#/paths/${pointer(op.path)}/${op.method.toLowerCase()}/responses/${status}/content/${pointer(media)}/schema`;
    let validate = cache.get(ref);
    if (!validate) {
      validate = ajv.compile({ $ref: ref });
      cache.set(ref, validate);
    }
    if (validate(body)) return undefined;
    return ajv.errorsText(validate.errors);
  };
}
