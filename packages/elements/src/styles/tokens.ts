/**
 * The design tokens. This is the only file with literal colours: each `--dodo-*` custom property
 * a merchant may set, with its default. Components read the private `--_dodo-*` copies, which are
 * recomputed on every host, so a value set anywhere above (the page, `<dodo-portal>`) inherits
 * through every shadow root.
 *
 * The defaults pass WCAG AA: text #1f2937 and muted #4b5563 on #ffffff / #f3f4f6, status colours
 * (≥ 4.9:1) on #ffffff, and #ffffff on the primary #1d4ed8 (6.7:1). The dark defaults (`themes`)
 * likewise: text #f3f4f6 and muted #9ca3af on #111827 / #1f2937, status colours ≥ 5.9:1 on
 * #111827, and #0b1220 on the primary #93c5fd.
 *
 * Precedence of the primary colour: a merchant's `--dodo-color-primary`, else the business's brand
 * colour (`--dodo-brand-primary`, set by `<dodo-portal>` when it is readable on the surface), else
 * the default.
 */
import { css } from 'lit';

const tokenDefaults = css`
  :host {
    --_dodo-color-primary: var(--dodo-color-primary, var(--dodo-brand-primary, #1d4ed8));
    --_dodo-color-on-primary: var(--dodo-color-on-primary, var(--dodo-brand-on-primary, #ffffff));
    --_dodo-color-surface: var(--dodo-color-surface, #ffffff);
    --_dodo-color-surface-raised: var(--dodo-color-surface-raised, #f3f4f6);
    --_dodo-color-text: var(--dodo-color-text, #1f2937);
    --_dodo-color-text-muted: var(--dodo-color-text-muted, #4b5563);
    --_dodo-color-border: var(--dodo-color-border, #d1d5db);
    --_dodo-color-success: var(--dodo-color-success, #15803d);
    --_dodo-color-warning: var(--dodo-color-warning, #b45309);
    --_dodo-color-danger: var(--dodo-color-danger, #b91c1c);
    --_dodo-font-family: var(
      --dodo-font-family,
      system-ui,
      -apple-system,
      'Segoe UI',
      Roboto,
      'Helvetica Neue',
      Arial,
      sans-serif
    );
    --_dodo-font-size: var(--dodo-font-size, 1rem);
    --_dodo-radius: var(--dodo-radius, 0.5rem);
    --_dodo-space: var(--dodo-space, 0.5rem);
  }
`;

/**
 * The dark defaults. Set as the public tokens on the element that asks for them, they inherit into
 * every element inside it (shadow or slotted), and a page's own rule on the element still wins
 * over `:host`. Embedded on a merchant's page the elements are light: a visitor's dark preference
 * would otherwise turn them into a black box on a light page. `theme="dark"` forces the dark
 * palette, `theme="auto"` follows `prefers-color-scheme` (the hosted pages use it), `theme="light"`
 * (or no attribute) is light. An element without the attribute inside one with it (a section in
 * `<dodo-portal theme="dark">`) inherits the palette.
 */
const dark = css`
  --dodo-color-primary: #93c5fd;
  --dodo-color-on-primary: #0b1220;
  --dodo-color-surface: #111827;
  --dodo-color-surface-raised: #1f2937;
  --dodo-color-text: #f3f4f6;
  --dodo-color-text-muted: #9ca3af;
  --dodo-color-border: #374151;
  --dodo-color-success: #4ade80;
  --dodo-color-warning: #fbbf24;
  --dodo-color-danger: #f87171;
  color-scheme: dark;
`;

const themes = css`
  :host([theme='dark']) {
    ${dark}
  }

  @media (prefers-color-scheme: dark) {
    :host([theme='auto']) {
      ${dark}
    }
  }
`;

/** What every element's `theme` attribute accepts (a plain attribute, read by CSS only). */
export type Theme = 'light' | 'dark' | 'auto';

/** The tokens with their defaults, and the `theme` attribute's palettes: in every element's styles. */
export const tokens = [themes, tokenDefaults];

/** The surfaces a brand colour must stay readable on (the light and dark `surface` defaults). */
export const SURFACES = { light: '#ffffff', dark: '#111827' } as const;

/** Shared base: a block box, typography, the visible focus ring, buttons, a screen-reader-only utility. */
export const base = css`
  :host {
    display: block;
    box-sizing: border-box;
    font-family: var(--_dodo-font-family);
    font-size: var(--_dodo-font-size);
    line-height: 1.5;
    color: var(--_dodo-color-text);
  }

  :host([hidden]) {
    display: none !important;
  }

  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }

  :focus-visible {
    outline: 2px solid var(--_dodo-color-primary);
    outline-offset: 2px;
  }

  .visually-hidden {
    position: absolute !important;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }

  .button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: calc(var(--_dodo-space) / 2);
    min-height: 2.25em;
    padding: calc(var(--_dodo-space) / 2) calc(var(--_dodo-space) * 1.5);
    border: 1px solid var(--_dodo-color-border);
    border-radius: var(--_dodo-radius);
    background: var(--_dodo-color-surface);
    color: var(--_dodo-color-text);
    font: inherit;
    font-size: 0.875em;
    text-decoration: none;
    cursor: pointer;
  }

  .button:hover:not([aria-disabled='true']):not(:disabled) {
    border-color: var(--_dodo-color-primary);
  }

  .button--primary {
    border-color: var(--_dodo-color-primary);
    background: var(--_dodo-color-primary);
    color: var(--_dodo-color-on-primary);
  }

  .button[aria-disabled='true'],
  .button:disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }
`;
