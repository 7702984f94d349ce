/**
 * The public URLs of portal access (documented in docs/portal-access.md):
 *   - static login page  `{PUBLIC_URL}/login/{business_id}` (live), `{PUBLIC_URL}/test/login/{business_id}` (test)
 *   - magic link         `{PUBLIC_URL}/magic#code=dpm_…`: the code rides in the fragment, which
 *     is never sent in a request line, a server log or a Referer. The landing page POSTs it to
 *     `/portal/v1/magic-link/exchange`, so a GET (link scanners, prefetch) never consumes it.
 */
import type { Mode } from '@dodo-portal/wire/schemas';

const trimSlash = (url: string) => url.replace(/\/+$/, '');

export const staticLoginUrl = (publicUrl: string, businessId: string, mode: Mode): string =>
  `${trimSlash(publicUrl)}${mode === 'test' ? '/test' : ''}/login/${encodeURIComponent(businessId)}`;

export const magicLinkUrl = (publicUrl: string, code: string): string => `${trimSlash(publicUrl)}/magic#code=${code}`;

/** The unified portal's login page (no business): `{PUBLIC_URL}/login` (live), `{PUBLIC_URL}/test/login` (test). */
export const unifiedLoginUrl = (publicUrl: string, mode: Mode): string => `${trimSlash(publicUrl)}${mode === 'test' ? '/test' : ''}/login`;
