import type { Context } from 'hono';
import { acceptedLineLanguage } from '../domain/line-descriptions.ts';
import type { PortalEnv } from './env.ts';

/**
 * The language a portal answer's own words (line descriptions, the PDF) are written in: the
 * `Accept-Language` the element sends (the language it displays, so a page's text and its invoice
 * lines agree) when the server has that language, else the session customer's locale.
 */
export function readerLocale(c: Context<PortalEnv>): string {
  return acceptedLineLanguage(c.req.header('accept-language')) ?? c.get('session').customer.locale;
}
