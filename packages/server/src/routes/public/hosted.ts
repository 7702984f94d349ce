/**
 * The browser-facing files: the hosted portal page and its helpers, and the CDN bundle of the
 * elements that merchants load with one `<script>` tag.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ErrorCode } from '@dodo-portal/wire/schemas';
import { Hono, type Context } from 'hono';
import type { BaseEnv } from '../../http/env.ts';
import { errorJson } from '../../http/errors.ts';
import { hostedPageHeaders } from '../../http/security.ts';
import type { AppContext } from '../../runtime.ts';

/** `sv.js`, `pt-BR.js`: a locale file name, never a path. */
const LOCALE_FILE = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*\.js$/;

const asset = (name: string) => readFileSync(new URL(`../../hosted/${name}`, import.meta.url), 'utf8');
const etagOf = (content: string | Uint8Array) => `"${createHash('sha256').update(content).digest('base64url').slice(0, 27)}"`;

interface CachedScript {
  mtimeMs: number;
  size: number;
  body: Uint8Array<ArrayBuffer>;
  etag: string;
}

function serveText(c: Context, body: string, etag: string, headers: Record<string, string>): Response {
  if (c.req.header('if-none-match') === etag) return c.body(null, 304, { etag, ...headers });
  return c.body(body, 200, { etag, ...headers });
}

export const hostedRoutes = (app: AppContext) => {
  const page = asset('portal.html');
  // One script per page: what the hosted pages share (tab-session.js), then the page's own.
  const script = asset('tab-session.js') + asset('hosted.js');
  const style = asset('hosted.css');
  const pageTag = etagOf(page);
  const scriptTag = etagOf(script);
  const styleTag = etagOf(style);
  let cdn: CachedScript | undefined;

  /** Reads the bundle again when it changes on disk (a rebuild while serving). */
  async function cdnBundle(path: string): Promise<CachedScript | undefined> {
    let info;
    try {
      info = await stat(path);
    } catch {
      return undefined;
    }
    if (!info.isFile()) return undefined;
    if (!cdn || cdn.mtimeMs !== info.mtimeMs || cdn.size !== info.size) {
      const body = new Uint8Array(await readFile(path));
      cdn = { mtimeMs: info.mtimeMs, size: info.size, body, etag: etagOf(body) };
    }
    return cdn;
  }

  return new Hono<BaseEnv>()
    .get('/portal', (c) => serveText(c, page, pageTag, { 'content-type': 'text/html; charset=utf-8', ...hostedPageHeaders }))
    .get('/hosted.js', (c) => serveText(c, script, scriptTag, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }))
    .get('/hosted.css', (c) => serveText(c, style, styleTag, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-cache' }))
    .get('/dodo-portal.js', async (c) => {
      const bundle = app.cdnScriptPath ? await cdnBundle(app.cdnScriptPath) : undefined;
      if (!bundle) {
        return errorJson(c, {
          code: ErrorCode.cdnNotBuilt,
          message: 'The elements bundle is not built yet: run `pnpm build` at the repository root, then reload.',
        });
      }
      const headers = {
        etag: bundle.etag,
        'content-type': 'text/javascript; charset=utf-8',
        // Unversioned URL: short cache, then revalidate by ETag.
        'cache-control': 'public, max-age=300, must-revalidate',
        'access-control-allow-origin': '*',
        'cross-origin-resource-policy': 'cross-origin',
      };
      if (c.req.header('if-none-match') === bundle.etag) return c.body(null, 304, headers);
      return c.body(bundle.body, 200, headers);
    })
    .get('/dodo-portal/locales/:file', async (c) => {
      // The CDN script's non-English catalogues (ES modules it imports on first use), built beside
      // it as dodo-portal/locales/<locale>.js. Module scripts from another origin need CORS.
      const file = c.req.param('file');
      const body = app.cdnScriptPath && LOCALE_FILE.test(file) ? await readFile(join(dirname(app.cdnScriptPath), 'dodo-portal/locales', file)).catch(() => undefined) : undefined;
      if (!body) return errorJson(c, { code: ErrorCode.notFound, message: `No locale file ${file} was built.` });
      const etag = etagOf(body);
      const headers = {
        etag,
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'public, max-age=300, must-revalidate',
        'access-control-allow-origin': '*',
        'cross-origin-resource-policy': 'cross-origin',
      };
      if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers);
      return c.body(new Uint8Array(body), 200, headers);
    })
    .get('/dodo-portal.js.map', async (c) => {
      // The bundle names its source map; serve it when the build wrote one.
      const map = app.cdnScriptPath ? await readFile(`${app.cdnScriptPath}.map`).catch(() => undefined) : undefined;
      if (!map) return errorJson(c, { code: ErrorCode.notFound, message: 'No source map was built.' });
      return c.body(new Uint8Array(map), 200, {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'public, max-age=300, must-revalidate',
        'access-control-allow-origin': '*',
      });
    });
};
