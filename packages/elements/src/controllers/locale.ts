/**
 * The language of an element that stands alone (no `<dodo-portal>` around it to provide one): its
 * `locale` attribute, else `<html lang>`, else the browser's. Loads that catalogue when the
 * attribute changes and re-renders the host when any catalogue arrives.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { updateWhenLocaleChanges } from '@lit/localize';
import { applyLocale, canonicalLocale, defaultLocale } from '../localization/localization.ts';

export class LocaleController implements ReactiveController {
  #requested: string | undefined;
  /** The BCP 47 tag to format in. */
  locale = 'en';

  constructor(
    host: ReactiveControllerHost,
    private readonly localeAttribute: () => string,
  ) {
    host.addController(this);
    updateWhenLocaleChanges(host);
  }

  hostUpdate(): void {
    const requested = this.localeAttribute();
    if (requested === this.#requested) return;
    this.#requested = requested;
    this.locale = canonicalLocale(requested) ?? defaultLocale();
    void applyLocale(this.locale);
  }
}
