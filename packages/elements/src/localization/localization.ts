/**
 * Runtime localization (`@lit/localize` runtime mode). English strings in the source are the
 * source locale; each target locale is a module under `./locales/` loaded on first use.
 *
 * Nothing runs at import time: `configureLocalization` is called on the first `applyLocale()`,
 * i.e. when an element connects.
 */
import { configureLocalization, type LocaleModule } from '@lit/localize';

export const sourceLocale = 'en';
export const targetLocales = ['sv'] as const;
export type MessageLocale = typeof sourceLocale | (typeof targetLocales)[number];

// Explicit loaders (not a template-literal import) keep the bundle to the locales we ship.
const loaders: Record<(typeof targetLocales)[number], () => Promise<LocaleModule>> = {
  sv: () => import('./locales/sv.ts'),
};

let runtime: ReturnType<typeof configureLocalization> | null | undefined;

function localizationRuntime(): ReturnType<typeof configureLocalization> | null {
  if (runtime === undefined) {
    try {
      runtime = configureLocalization({
        sourceLocale,
        targetLocales,
        loadLocale: (locale) => loaders[locale as (typeof targetLocales)[number]](),
      });
    } catch {
      // The host page already configured @lit/localize for its own app (it is a page-wide
      // singleton): keep the English source strings rather than break the page.
      runtime = null;
    }
  }
  return runtime;
}

/** A valid, canonical BCP 47 tag for formatting, or `undefined`. */
export function canonicalLocale(tag: string | null | undefined): string | undefined {
  if (!tag) return undefined;
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

/** `<html lang>`, then the browser's language, then English. Read when called, never at import. */
export function defaultLocale(): string {
  return (
    canonicalLocale(globalThis.document?.documentElement.lang) ??
    canonicalLocale(globalThis.navigator?.language) ??
    sourceLocale
  );
}

/** The message catalogue for a formatting locale: `sv-SE` → `sv`, anything unknown → `en`. */
export function messageLocaleFor(tag: string): MessageLocale {
  const language = tag.split('-')[0]?.toLowerCase();
  return (targetLocales as readonly string[]).includes(language ?? '')
    ? (language as MessageLocale)
    : sourceLocale;
}

/**
 * Switch the page-wide message catalogue to match `tag`. Elements that called
 * `updateWhenLocaleChanges(this)` re-render when the catalogue has loaded.
 */
export async function applyLocale(tag: string): Promise<void> {
  const target = messageLocaleFor(tag);
  const active = localizationRuntime();
  if (!active || active.getLocale() === target) return;
  await active.setLocale(target);
}
