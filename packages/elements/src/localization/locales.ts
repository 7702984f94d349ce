/**
 * The languages the elements speak. English is the source (the strings in the code); every
 * target locale has a catalogue in `./locales/<locale>.ts` with every `msg()` id
 * (`pnpm --filter @dodo-portal/elements check:locales` proves it).
 */
export const sourceLocale = 'en';
export const targetLocales = ['sv', 'de', 'fr', 'es'] as const;
export type TargetLocale = (typeof targetLocales)[number];
export type MessageLocale = typeof sourceLocale | TargetLocale;
