import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../testing/harness.ts';

let dir: string;
let built: Harness;
let unbuilt: Harness;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dodo-portal-cdn-'));
  writeFileSync(join(dir, 'dodo-portal.js'), 'customElements.define("dodo-portal", class extends HTMLElement {});\n');
  built = await createHarness({ cdnScriptPath: join(dir, 'dodo-portal.js') });
  unbuilt = await createHarness({ cdnScriptPath: join(dir, 'missing.js') });
});
afterAll(async () => {
  await built.close();
  await unbuilt.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /portal (hosted page)', () => {
  it('serves a static page with strict headers that loads the bundle and the fragment helper', async () => {
    const response = await built.app.request('/portal');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy')!;
    for (const directive of ["default-src 'none'", "script-src 'self'", "connect-src 'self'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const html = await response.text();
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<script src="/dodo-portal.js"');
    expect(html).toContain('<script src="/hosted.js"');
    // The hosted page is the customer's own window: it follows their light/dark preference.
    expect(html).toContain('<dodo-portal theme="auto">');
    // No inline script or style: the CSP would block them.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|style=/);
  });

  it('ignores whatever is in the query: nothing from the request reaches the HTML', async () => {
    const response = await built.app.request('/portal?token=<script>alert(1)</script>&x="><img>');
    const html = await response.text();
    expect(html).not.toContain('alert(1)');
    expect(html).toBe(await (await built.app.request('/portal')).text());
  });

  it('serves hosted.js, which moves the fragment token to sessionStorage and drops it from the URL', async () => {
    const response = await built.app.request('/hosted.js');
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const script = await response.text();
    expect(script).toContain(".get('token')");
    expect(script).toContain('sessionStorage.setItem');
    expect(script).toContain('history.replaceState');
    expect(script).toContain("setAttribute('session-token'");
    expect(script).toContain("setAttribute('api-base'");
  });
});

describe('hosted.js: a bogus, ended or missing session is never a dead end', () => {
  /** Runs the served hosted.js against a stub page and returns the attributes it gave <dodo-portal>. */
  async function run(hash: string): Promise<{ attributes: Record<string, string>; hidden: boolean }> {
    const script = await (await built.app.request('/hosted.js')).text();
    const attributes: Record<string, string> = {};
    const portal = { hidden: false, setAttribute: (name: string, value: string) => (attributes[name] = value) };
    const storage = new Map<string, string>();
    const sandbox = {
      location: { hash, origin: 'https://billing.example.com', pathname: '/portal', search: '' },
      history: { state: null, replaceState: () => undefined },
      sessionStorage: { getItem: (key: string) => storage.get(key) ?? null, setItem: (key: string, value: string) => storage.set(key, value) },
      navigator: { languages: ['sv-SE'], language: 'sv-SE' },
      URLSearchParams,
      document: { readyState: 'interactive', documentElement: { lang: 'en' }, querySelector: () => portal, getElementById: () => null },
    };
    runInNewContext(script, sandbox);
    expect(sandbox.document.documentElement.lang).toBe('sv');
    return { attributes, hidden: portal.hidden };
  }

  it('hands the token to the portal, marked hosted (its expired face offers a new link by email)', async () => {
    expect(await run('#token=pst_abc')).toEqual({ attributes: { hosted: '', 'api-base': 'https://billing.example.com', 'session-token': 'pst_abc' }, hidden: false });
  });

  it('without a token still shows the portal, whose hosted expired face links to getting a new link', async () => {
    expect(await run('')).toEqual({ attributes: { hosted: '', 'api-base': 'https://billing.example.com' }, hidden: false });
    const html = await (await built.app.request('/portal')).text();
    expect(html).not.toContain('no-session');
  });
});

describe('GET /dodo-portal.js', () => {
  it('serves the built bundle as public, cacheable JavaScript with CORS * and ETag revalidation', async () => {
    const response = await built.app.request('/dodo-portal.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('cache-control')).toContain('max-age=');
    expect(await response.text()).toContain('dodo-portal');
    const etag = response.headers.get('etag')!;
    const again = await built.app.request('/dodo-portal.js', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it('picks up a rebuilt bundle without a restart', async () => {
    writeFileSync(join(dir, 'dodo-portal.js'), '/* rebuilt, longer than before */ customElements.define("dodo-portal", class extends HTMLElement {});\n');
    expect(await (await built.app.request('/dodo-portal.js')).text()).toContain('rebuilt');
  });

  it('answers 503 cdn_not_built with what to do when the bundle is missing', async () => {
    const response = await unbuilt.app.request('/dodo-portal.js');
    expect(response.status).toBe(503);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('cdn_not_built');
    expect(body.error.message).toContain('pnpm build');
  });
});

describe('the unified portal’s hosted pages', () => {
  const expectHostedHeaders = (response: Response, path: string) => {
    expect(response.status, path).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy')!;
    for (const directive of ["default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]) expect(csp).toContain(directive);
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('cache-control')).toBe('no-store');
  };
  const noInlineCode = (html: string) => {
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|style=/);
  };

  it('serves /login (live) and /test/login (test) with <dodo-portal-login unified> and no business', async () => {
    for (const [path, mode] of [
      ['/login', 'live'],
      ['/test/login', 'test'],
    ] as const) {
      const response = await built.app.request(path);
      expectHostedHeaders(response, path);
      const html = await response.text();
      expect(html).toContain(`<dodo-portal-login unified mode="${mode}" theme="auto"></dodo-portal-login>`);
      expect(html).not.toContain('business-id');
      expect(html).toContain('<script src="/dodo-portal.js"');
      expect(html).toContain('<script src="/unified.js"');
      noInlineCode(html);
    }
  });

  it('serves /portal/unified, whose script reads the unified token from sessionStorage only', async () => {
    const response = await built.app.request('/portal/unified?token=<script>');
    expectHostedHeaders(response, '/portal/unified');
    const html = await response.text();
    expect(html).toContain('<dodo-unified-portal theme="auto"></dodo-unified-portal>');
    expect(html).not.toContain('<script>');
    noInlineCode(html);

    const script = await (await built.app.request('/unified.js')).text();
    expect(script).toContain("'dodo-portal:unified-token'");
    expect(script).toContain('history.replaceState');
    expect(script).toContain("setAttribute('session-token'");
    expect(script).not.toContain('localStorage');
  });

  it('lets /magic.js exchange unified codes at the unified endpoint and land on the overview', async () => {
    const script = await (await built.app.request('/magic.js')).text();
    expect(script).toContain("startsWith('dpx_')");
    expect(script).toContain("'/portal/v1/unified/magic-link/exchange'");
    expect(script).toContain("'dodo-portal:unified-token'");
    expect(script).toContain("landing: '/portal/unified'");
    expect(script).not.toContain('localStorage');
  });
});
