import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from './document.ts';
import { renderReference } from './reference.ts';

const REFERENCE = new URL('../../../../docs/api-reference.md', import.meta.url);

describe('docs/api-reference.md', () => {
  const rendered = renderReference(buildOpenApiDocument());

  it('is up to date with the OpenAPI document', () => {
    const committed = readFileSync(REFERENCE, 'utf8');
    // toBe would print 2,000 lines; say what to do instead.
    expect(committed === rendered, 'docs/api-reference.md is stale: run `pnpm docs:api` at the repository root and commit the result.').toBe(true);
  });

  it('shows each operation with its auth, body fields and error codes', () => {
    expect(rendered).toContain('### `POST /v1/customers`');
    expect(rendered).toContain('Auth: Secret key');
    expect(rendered).toMatch(/\| `email` \| string \| yes \|/);
    expect(rendered).toContain('`customer_exists`');
    expect(rendered).toContain('### `POST /v1/licenses/activate`');
    expect(rendered).toMatch(/### `POST \/v1\/licenses\/activate`[\s\S]*?Auth: none/);
    expect(rendered).toContain('| `subscription.on_hold` |');
  });
});
