/**
 * The CDN build's catalogue loader (vite.config.ts puts it in place of `loaders.ts`). The IIFE
 * script cannot split chunks, so each target locale is built as its own small ES module next to
 * it — `dodo-portal/locales/<locale>.js` relative to the script's URL — and imported on first
 * use. A dynamic `import()` obeys `script-src` and needs no Trusted Types policy, so it works on
 * strict pages; the English script carries no other language.
 */
import type { LocaleModule } from '@lit/localize';
import type { TargetLocale } from './locales.ts';

/**
 * The URL of the running CDN script. `document.currentScript` only exists while a classic
 * script executes, so it is read when the script runs; this module is in no build but the
 * browser-only CDN script, and the guard keeps it inert anywhere else.
 */
const scriptUrl = typeof document === 'undefined' ? undefined : (document.currentScript as HTMLScriptElement | null)?.src;

/** Where the catalogues are: beside the script, or (script URL unknown) the page's own origin. */
function localesBase(): string {
  const script =
    scriptUrl || document.querySelector<HTMLScriptElement>('script[src$="/dodo-portal.js"], script[src^="dodo-portal.js"]')?.src || new URL('/dodo-portal.js', document.baseURI).href;
  return new URL('dodo-portal/locales/', script).href;
}

export const loadLocale = (locale: TargetLocale): Promise<LocaleModule> => import(/* @vite-ignore */ new URL(`${locale}.js`, localesBase()).href) as Promise<LocaleModule>;
