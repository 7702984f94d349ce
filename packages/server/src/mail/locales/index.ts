/**
 * Email languages beyond the inline English and Swedish of ../templates.ts. To add one: write
 * `<language>.ts` satisfying `MailCatalogue` and list it here; the typechecker and
 * `locales.test.ts` then prove every email exists in it.
 */
import type { MailCatalogue } from './catalogue.ts';
import { de } from './de.ts';
import { es } from './es.ts';
import { fr } from './fr.ts';

export type { MailCatalogue } from './catalogue.ts';

export const CATALOGUES = { de, fr, es } as const satisfies Record<string, MailCatalogue>;
export type CatalogueLanguage = keyof typeof CATALOGUES;
export const catalogueLanguages = Object.keys(CATALOGUES) as CatalogueLanguage[];

export const isCatalogueLanguage = (language: string): language is CatalogueLanguage => Object.hasOwn(CATALOGUES, language);

/** One email's words in every catalogue language, to spread beside the inline `en`/`sv` entries. */
export function fromCatalogues<T>(pick: (catalogue: MailCatalogue) => T): Record<CatalogueLanguage, T> {
  return { de: pick(de), fr: pick(fr), es: pick(es) };
}
