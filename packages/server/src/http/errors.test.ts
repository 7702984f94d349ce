import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { DomainError, type Code } from '../domain/errors.ts';
import { buildOpenApiDocument } from '../openapi/document.ts';
import { memoryLogger } from '../testing/harness.ts';
import type { BaseEnv } from './env.ts';
import { createErrorHandler, STATUS_OF_CODE } from './errors.ts';

describe('the code → status table', () => {
  it('answers every code with its status and the one error shape', async () => {
    const app = new Hono<BaseEnv>().onError(createErrorHandler(memoryLogger()));
    app.get('/:code', (c) => {
      throw new DomainError(c.req.param('code') as Code, 'refused', { retryAfterSeconds: 7 });
    });
    for (const [code, status] of Object.entries(STATUS_OF_CODE)) {
      const response = await app.request(`/${code}`);
      expect([code, response.status]).toEqual([code, status]);
      expect(await response.json()).toEqual({ error: { code, message: 'refused' } });
      expect(response.headers.get('retry-after')).toBe('7');
    }
  });

  it('agrees with every status the API reference documents for a code', () => {
    const doc = buildOpenApiDocument() as { paths: Record<string, Record<string, { responses: Record<string, { 'x-error-codes'?: string[] }> }>> };
    const documented = new Map<string, Set<number>>();
    for (const operations of Object.values(doc.paths)) {
      for (const operation of Object.values(operations)) {
        for (const [status, response] of Object.entries(operation.responses ?? {})) {
          for (const code of response['x-error-codes'] ?? []) documented.set(code, (documented.get(code) ?? new Set()).add(Number(status)));
        }
      }
    }
    expect(documented.size).toBeGreaterThan(30);
    for (const [code, statuses] of documented) expect([code, [...statuses]]).toEqual([code, [STATUS_OF_CODE[code as Code]]]);
  });
});
