import { LitElement, type PropertyDeclarations } from 'lit';
import type { Theme } from '../styles/tokens.ts';

/**
 * The one thing every section shares as a member: its palette. Behaviour comes from src/controllers/.
 *
 * Sections keep their helpers in native `#private` members, which every minifier shortens (TS
 * `private` names stay whole), and declare `styles`/`dependencies` as static getters, not static
 * fields: under `useDefineForClassFields: false` a static field is emitted as a `static {}` block,
 * and a merchant's build for Vite's default targets (Safari 16 has no static blocks) then lowers the
 * whole class, `#private` members to WeakMaps (issue 15: +600 B gzip on the two-element page).
 * Reactive properties and states are declared in `static get properties()`, not with decorators:
 * each decorated member costs the bundler's decorator helper (one per module) and a call, and the
 * decorators' own modules (issue 15: -543 B on the two-element page, -880 B on the CDN script).
 */
export class ThemedElement extends LitElement {
  static override get properties(): PropertyDeclarations {
    return { theme: { reflect: true } };
  }

  /**
   * The palette: light by default (also `light`), `dark` always, `auto` follows the visitor's
   * `prefers-color-scheme` (as the hosted pages do). Without it, an element inside one that has it
   * takes that palette. Tokens set on the element by the page win over either.
   */
  theme: Theme | undefined;
}
