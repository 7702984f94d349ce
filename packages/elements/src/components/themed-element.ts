import { LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import type { Theme } from '../styles/tokens.ts';

/** The one thing every section shares as a member: its palette. Behaviour comes from src/controllers/. */
export class ThemedElement extends LitElement {
  /**
   * The palette: light by default (also `light`), `dark` always, `auto` follows the visitor's
   * `prefers-color-scheme` (as the hosted pages do). Without it, an element inside one that has it
   * takes that palette. Tokens set on the element by the page win over either.
   */
  @property({ reflect: true }) theme: Theme | undefined;
}
