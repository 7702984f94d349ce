/**
 * Runtime localization (`@lit/localize` runtime mode). English strings in the source are the
 * source locale; each target locale is a catalogue under `./locales/`, loaded on first use
 * (`./loaders.ts`; the CDN build fetches them as separate files, `./loaders.cdn.ts`).
 *
 * Nothing runs at import time: `configureLocalization` is called on the first `applyLocale()`,
 * i.e. when an element connects, and the page's language is read then too.
 */
import { configureLocalization } from '@lit/localize';
import { loadLocale } from './loaders.ts';
import { sourceLocale, targetLocales, type MessageLocale, type TargetLocale } from './locales.ts';

export { sourceLocale, targetLocales, type MessageLocale, type TargetLocale } from './locales.ts';

let runtime: ReturnType<typeof configureLocalization> | null | undefined;

function localizationRuntime(): ReturnType<typeof configureLocalization> | null {
  if (runtime === undefined) {
    try {
      runtime = configureLocalization({
        sourceLocale,
        targetLocales,
        loadLocale: (locale) => loadLocale(locale as TargetLocale),
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
  if (!tag?.trim()) return undefined;
  try {
    return Intl.getCanonicalLocales(tag.trim())[0];
  } catch {
    return undefined;
  }
}

const languageOf = (tag: string): string => tag.split('-')[0]!.toLowerCase();
const hasCatalogue = (tag: string): boolean => languageOf(tag) === sourceLocale || (targetLocales as readonly string[]).includes(languageOf(tag));

/** The message catalogue for a tag: `sv-SE` → `sv`, `de-AT` → `de`, anything unknown → `en`. */
export function messageLocaleFor(tag: string): MessageLocale {
  const language = languageOf(tag);
  return (targetLocales as readonly string[]).includes(language) ? (language as MessageLocale) : sourceLocale;
}

/**
 * The locale dates and money are formatted in: the tag itself when we speak its language
 * (`de-AT`, `en-GB` keep their conventions), else English — English words beside `14/03/2025`
 * or `R$ 1.234,56` would read as a mistake. Emails follow the same rule.
 */
export function formattingLocale(tag: string): string {
  return hasCatalogue(tag) ? tag : sourceLocale;
}

/** The element's parent, or its shadow host when it is a shadow root's child. */
const parentOf = (node: Element): Element | undefined => node.parentElement ?? ((node.getRootNode() as Partial<ShadowRoot>).host as Element | undefined);

/** The `lang` of the element's closest ancestor that has one, crossing shadow roots. */
function closestLang(host: Element | undefined): string | undefined {
  for (let node = host; node; node = parentOf(node)) {
    const lang = canonicalLocale(node.getAttribute('lang'));
    if (lang) return lang;
  }
  return undefined;
}

/** The browser's preferred languages, the first one we have a catalogue for, else its first. */
function browserLocale(): string | undefined {
  const navigator = globalThis.navigator;
  if (!navigator) return undefined;
  const preferred = (navigator.languages?.length ? navigator.languages : [navigator.language]).map((tag) => canonicalLocale(tag)).filter((tag): tag is string => Boolean(tag));
  return preferred.find(hasCatalogue) ?? preferred[0];
}

/**
 * The locale a page asks for, read when called (never at import): the closest `lang` attribute
 * around `host` (or `<html lang>`), then the browser's languages, then English — as a
 * formatting locale (see `formattingLocale`). `ignoreOwnLang` starts at the host's parent.
 */
export function defaultLocale(host?: Element, ignoreOwnLang = false): string {
  const requested = closestLang(host && ignoreOwnLang ? parentOf(host) : host) ?? canonicalLocale(globalThis.document?.documentElement.lang) ?? browserLocale() ?? sourceLocale;
  return formattingLocale(requested);
}

/**
 * An element's `locale` attribute when it is a valid tag, else the page's default.
 * `ignoreOwnLang`: the host's own `lang` was set by the element (see `<dodo-portal>`), not the page.
 */
export function resolveLocale(attribute: string | null | undefined, host?: Element, ignoreOwnLang = false): string {
  const explicit = canonicalLocale(attribute);
  return explicit ? formattingLocale(explicit) : defaultLocale(host, ignoreOwnLang);
}

/**
 * Switch the page-wide message catalogue to match `tag`. Elements that called
 * `updateWhenLocaleChanges(this)` re-render when the catalogue has loaded. A catalogue that
 * fails to load (offline, blocked) leaves the current language in place.
 */
export async function applyLocale(tag: string): Promise<void> {
  const active = localizationRuntime();
  if (!active) return;
  // `setLocale` is a no-op for the active or loading locale and lets the latest request win.
  await active.setLocale(messageLocaleFor(tag)).catch(() => undefined);
}
