import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';

/**
 * Where the elements package's CDN bundle (`@dodo-portal/elements/cdn`) is, built or not. Node
 * resolves the export only when the file exists, so before `pnpm build` the export map is read
 * directly to still know the path (the route then answers `cdn_not_built`).
 */
export function defaultCdnScriptPath(): string | undefined {
  const require = createRequire(import.meta.url);
  try {
    return require.resolve('@dodo-portal/elements/cdn');
  } catch {
    // Not built yet: fall through to the export map.
  }
  try {
    const manifestPath = require.resolve('@dodo-portal/elements/package.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports?: Record<string, unknown> };
    const target = manifest.exports?.['./cdn'];
    const file = typeof target === 'string' ? target : (target as { default?: string } | undefined)?.default;
    return file ? resolve(dirname(manifestPath), file) : undefined;
  } catch {
    return undefined;
  }
}
