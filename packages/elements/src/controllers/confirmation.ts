/**
 * The one face of "it worked": a visible line that screen readers announce (`role="status"`,
 * present before it has words, so the change is spoken), in the element's `confirmation` part.
 * It stays until the customer's next action replaces or clears it.
 */
import { html, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';

export class ConfirmationController implements ReactiveController {
  #text = '';

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.#text = '';
  }

  /** Say `text` (an empty string clears the line). */
  show(text: string): void {
    this.#text = text;
    this.host.requestUpdate();
  }

  // No whitespace inside: `:empty` hides the box until there is something to say.
  render(): TemplateResult {
    return html`<p part="confirmation" class="confirmation" role="status">${this.#text}</p>`;
  }
}
