/**
 * Prettier, set to the style the code already has (single quotes, semicolons, trailing commas,
 * long lines). printWidth 190 is measured, not guessed: of 150–200 it leaves the fewest files
 * changed by the one-off `pnpm format` (hand-wrapped code sits both well under and over 160).
 * @type {import('prettier').Config}
 */
export default {
  printWidth: 190,
  singleQuote: true,
  // Leave html`` / css`` templates alone: whitespace inside Lit templates is content, and the
  // build's own template minifier (packages/elements/scripts) already handles it.
  embeddedLanguageFormatting: 'off',
};
