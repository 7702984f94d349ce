/**
 * The hosted pages of portal access: the static login page of a business (`/login/{business_id}`,
 * `/test/login/{business_id}`), the unified portal's login page (`/login`, `/test/login`) and
 * overview (`/portal/unified`), and the magic-link landing (`/magic#code=…`). Like `/portal` they
 * carry the strict hosted-page headers (CSP without inline code, no referrer, no framing).
 */
import { readFileSync } from 'node:fs';
import { ErrorCode, type Mode } from '@dodo-portal/wire/schemas';
import { Hono, type Context } from 'hono';
import { IdPrefix, isId } from '../../domain/ids.ts';
import type { BaseEnv } from '../../http/env.ts';
import { errorJson } from '../../http/errors.ts';
import { hostedPageHeaders } from '../../http/security.ts';
import { escapeHtml } from '../../mail/templates.ts';
import { findBusiness } from '../../store/businesses.ts';
import type { AppContext } from '../../runtime.ts';

const asset = (name: string) => readFileSync(new URL(`../../hosted/${name}`, import.meta.url), 'utf8');

const htmlHeaders = { 'content-type': 'text/html; charset=utf-8', ...hostedPageHeaders };

/** The words of the login page's own markup, in the business's default language (the element localizes itself). */
const LOGIN_PAGE_TEXT: Record<string, { signIn: string; needsScript: string }> = {
  en: { signIn: 'Sign in to billing', needsScript: 'Signing in needs JavaScript.' },
  sv: { signIn: 'Logga in till faktureringen', needsScript: 'Inloggningen kräver JavaScript.' },
  de: { signIn: 'Anmeldung zur Abrechnung', needsScript: 'Für die Anmeldung wird JavaScript benötigt.' },
  fr: { signIn: 'Connexion à la facturation', needsScript: 'La connexion nécessite JavaScript.' },
  es: { signIn: 'Acceso a la facturación', needsScript: 'Para iniciar sesión se necesita JavaScript.' },
};

/** The login page: the business's name and `<dodo-portal-login>`, every value escaped. */
export function loginPage(business: { id: string; displayName: string; locale: string }, mode: Mode): string {
  const e = escapeHtml;
  const language = business.locale.split('-')[0]?.toLowerCase() ?? 'en';
  const lang = LOGIN_PAGE_TEXT[language] ? language : 'en';
  const text = LOGIN_PAGE_TEXT[lang]!;
  return `<!doctype html>
<html lang="${e(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${e(business.displayName)} · ${e(text.signIn)}</title>
<link rel="stylesheet" href="/hosted.css">
<script src="/dodo-portal.js" defer></script>
</head>
<body>
<main>
  <h1 class="login-header">${e(business.displayName)}</h1>
  <dodo-portal-login business-id="${e(business.id)}" mode="${mode}" theme="auto"></dodo-portal-login>
  <noscript><p class="notice">${e(text.needsScript)}</p></noscript>
</main>
</body>
</html>
`;
}

/**
 * The unified login page: no business, so no name to show; `<dodo-portal-login unified>` asks for
 * one link to every business where the email is a customer. `/unified.js` sets `<html lang>` from
 * the browser before the element upgrades.
 */
export function unifiedLoginPage(mode: Mode): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Billing</title>
<link rel="stylesheet" href="/hosted.css">
<script src="/unified.js" defer></script>
<script src="/dodo-portal.js" defer></script>
</head>
<body>
<main>
  <dodo-portal-login unified mode="${mode}" theme="auto"></dodo-portal-login>
  <noscript><p class="notice">Signing in needs JavaScript.</p></noscript>
</main>
</body>
</html>
`;
}

export const hostedAccessRoutes = (app: AppContext) => {
  const magicPage = asset('magic.html');
  const magicScript = asset('magic.js');
  const unifiedPortalPage = asset('unified.html');
  // One script per page: what the hosted pages share (tab-session.js), then the page's own.
  const unifiedScript = asset('tab-session.js') + asset('unified.js');
  const unifiedLogin = { live: unifiedLoginPage('live'), test: unifiedLoginPage('test') };

  const login = async (c: Context, mode: Mode) => {
    const businessId = c.req.param('business_id') ?? '';
    const business = isId(IdPrefix.business, businessId) ? await findBusiness(app.store.db, businessId) : undefined;
    if (!business) return errorJson(c, { code: ErrorCode.notFound, message: `No business ${businessId}.` }, hostedPageHeaders);
    return c.body(loginPage({ id: business.id, displayName: business.brand.display_name, locale: business.default_locale }, mode), 200, htmlHeaders);
  };

  return (
    new Hono<BaseEnv>()
      .get('/login', (c) => c.body(unifiedLogin.live, 200, htmlHeaders))
      .get('/test/login', (c) => c.body(unifiedLogin.test, 200, htmlHeaders))
      // One overview for both modes: the mode is the unified token's, which the page reads from sessionStorage.
      .get('/portal/unified', (c) => c.body(unifiedPortalPage, 200, htmlHeaders))
      .get('/unified.js', (c) => c.body(unifiedScript, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }))
      .get('/login/:business_id', (c) => login(c, 'live'))
      .get('/test/login/:business_id', (c) => login(c, 'test'))
      // Static: a GET never sees (or consumes) the code, which stays in the fragment.
      .get('/magic', (c) => c.body(magicPage, 200, htmlHeaders))
      .get('/magic.js', (c) => c.body(magicScript, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }))
  );
};
