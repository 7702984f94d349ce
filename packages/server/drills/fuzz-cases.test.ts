/**
 * The fuzz drill's own harness: each mutation kind makes the request it names, the draws replay
 * from their seed, and the checks reject what they must (a drill whose checker passes everything
 * proves nothing).
 */
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../src/openapi/document.ts';
import { buildRequest, drawCases, isErrorShape, mutationKinds, readOperations, responseChecker, type IdPool, type Json } from './fuzz-cases.ts';

const doc = JSON.parse(JSON.stringify(buildOpenApiDocument())) as Json;
const operations = readOperations(doc);
const op = (operationId: string) => operations.find((candidate) => candidate.operationId === operationId)!;
const ids: IdPool = new Map([
  ['subscriptions', ['sub_own']],
  ['products', ['pro_one']],
  ['customers', ['cus_other']],
]);
const draw = { n: 3, noise: 42 };

describe('the fuzz generator', () => {
  const changePlan = op('changePlan');
  const made = Object.fromEntries(mutationKinds.map((kind) => [kind, buildRequest(doc, changePlan, kind, ids, draw)]));
  const valid = made.valid!;
  const validBody = JSON.parse(valid.body!) as Json;

  it('reads every operation of the document with its credentials', () => {
    expect(operations.length).toBe(Object.values(doc.paths as Json).flatMap((item) => Object.keys(item as Json)).length);
    expect(changePlan).toMatchObject({ method: 'POST', auth: 'portal', pathParams: ['subscription_id'] });
    expect(op('activateLicense').auth).toBe('none');
    expect(op('listCustomers').auth).toBe('merchant');
  });

  it('makes a valid request from the document, pointing at ids the server made', () => {
    expect(valid.path).toBe('/portal/v1/subscriptions/sub_own/change-plan');
    expect(valid.contentType).toBe('application/json');
    expect(validBody.product_id).toBe('pro_one');
  });

  it('yields each mutation kind', () => {
    expect(JSON.parse(made.wrong_type!.body!)).not.toEqual(validBody);
    expect(Object.keys(JSON.parse(made.missing_field!.body!) as Json).length).toBe(Object.keys(validBody).length - 1);
    expect(made.extra_field!.body).toContain('"__proto__"');
    expect(made.huge_string!.body).toContain('x'.repeat(200_000));
    expect(made.control_chars!.body).toContain('\\u0000');
    expect(made.deep_nesting!.body).toContain('{"a":['.repeat(500));
    expect(() => JSON.parse(made.malformed_json!.body!)).toThrow();
    expect(made.wrong_content_type!.contentType).not.toBe('application/json');
    expect(made.oversized_body!.body!.length).toBeGreaterThan(1024 * 1024);
    expect(made.path_trick!.path).not.toContain('sub_own');
    expect(made.foreign_id!.path).toMatch(/\/subscriptions\/(pro_one|cus_other)\//);
    expect(made.no_auth!.auth).toBe('none');
    expect(buildRequest(doc, op('listCustomers'), 'bad_query', ids, draw).path).toMatch(/^\/v1\/customers\?.*limit=/);
  });

  it('draws the same cases from the same seed, and every kind within a short run', () => {
    expect(drawCases(9, 50, operations.length)).toEqual(drawCases(9, 50, operations.length));
    expect(drawCases(9, 50, operations.length)).not.toEqual(drawCases(10, 50, operations.length));
    expect(new Set(drawCases(9, 350, operations.length).map((drawn) => drawn.kind))).toEqual(new Set(mutationKinds));
  });
});

describe('the fuzz checks', () => {
  it('accept only the one error shape', () => {
    expect(isErrorShape({ error: { code: 'not_found', message: 'No such customer.' } })).toBe(true);
    for (const bad of [undefined, 'Internal Server Error', { error: 'not_found' }, { message: 'x' }, { error: { code: 'x' } }, { error: { code: '', message: 'x' } }]) {
      expect(isErrorShape(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('reject an answer the document does not declare for its operation', () => {
    const check = responseChecker(doc);
    const getCustomer = op('getCustomer');
    const customer = {
      customer_id: 'cus_1',
      business_id: 'bus_1',
      email: 'a@example.com',
      name: 'A',
      phone_number: null,
      billing_address: null,
      locale: 'en',
      created_at: '2025-01-01T00:00:00.000Z',
    };
    expect(check(getCustomer, 200, 'application/json', customer)).toBeUndefined();
    expect(check(getCustomer, 200, 'application/json', { ...customer, email: 7 })).toMatch(/email/);
    expect(check(getCustomer, 404, 'application/json', { error: { code: 'not_found', message: 'x' } })).toBeUndefined();
    expect(check(getCustomer, 404, 'application/json', { error: 'not_found' })).toMatch(/error/);
    expect(check(getCustomer, 418, 'application/json', {})).toBe('undocumented status 418');
    expect(check(getCustomer, 200, 'text/html', '<p>')).toMatch(/content type/);
  });
});
