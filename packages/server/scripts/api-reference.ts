/**
 * Writes docs/api-reference.md from the OpenAPI document (`pnpm docs:api` at the repository root).
 * openapi/reference.test.ts fails when the committed file differs from what this writes.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument } from '../src/openapi/document.ts';
import { renderReference } from '../src/openapi/reference.ts';

export const REFERENCE_PATH = fileURLToPath(new URL('../../../docs/api-reference.md', import.meta.url));

writeFileSync(REFERENCE_PATH, renderReference(buildOpenApiDocument()));
console.log(`wrote ${REFERENCE_PATH}`);
