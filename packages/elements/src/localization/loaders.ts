/**
 * How target-locale catalogues are fetched in the ESM build (and in tests): one dynamic import
 * per locale, so each becomes its own chunk that the English bundle never carries. The CDN build
 * swaps this module for `loaders.cdn.ts` (see vite.config.ts).
 */
import type { LocaleModule } from '@lit/localize';
import type { TargetLocale } from './locales.ts';

// Explicit imports (not a template-literal import): the bundler emits exactly these chunks.
const loaders: Record<TargetLocale, () => Promise<LocaleModule>> = {
  sv: () => import('./locales/sv.ts'),
  de: () => import('./locales/de.ts'),
  fr: () => import('./locales/fr.ts'),
  es: () => import('./locales/es.ts'),
};

export const loadLocale = (locale: TargetLocale): Promise<LocaleModule> => loaders[locale]();
