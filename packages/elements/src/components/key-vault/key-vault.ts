import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';
import {
  deactivateLicenseKeyInstance,
  listLicenseKeyInstances,
  listLicenseKeys,
  revealLicenseKey,
  type LicenseKeyInstance,
  type PortalClient,
  type PortalLicenseKey,
} from '@dodo-portal/wire/client';
import type { KeyCopiedDetail, KeyInstanceDeactivatedDetail } from '../../events.ts';
import { ConfirmationController } from '../../controllers/confirmation.ts';
import { DataController, cardsSkeleton } from '../../controllers/data.ts';
import { DialogController } from '../../controllers/dialog.ts';
import { Formatter, keyStatusLabel } from '../../controllers/format.ts';
import { RefreshController, emit } from '../../controllers/refresh.ts';
import { SessionController, errorCode, isAbort } from '../../controllers/session.ts';
import { cards } from '../../styles/cards.ts';
import { dialog, states } from '../../styles/states.ts';
import { base, tokens } from '../../styles/tokens.ts';
import { ThemedElement } from '../themed-element.ts';
import styles from './key-vault.styles.ts';

/** How long "Copied" stays on screen (and in the live region). */
const COPIED_MS = 4_000;

/** The keys of one purchase: a subscription, or the invoice of a one-time purchase. */
interface Purchase {
  id: string;
  keys: PortalLicenseKey[];
}

/** A key's activations, once opened. */
interface Instances {
  state: 'loading' | 'ready' | 'error';
  items: LicenseKeyInstance[];
}

interface Confirm {
  key: PortalLicenseKey;
  instance: LicenseKeyInstance;
}

const purchaseOf = (key: PortalLicenseKey): string => key.source.subscription_id ?? key.source.invoice_id ?? key.payment_id ?? key.license_key_id;

/** Keys grouped by purchase, in the order the server listed them (newest first). */
function groupByPurchase(keys: PortalLicenseKey[]): Purchase[] {
  const groups = new Map<string, Purchase>();
  for (const key of keys) {
    const id = purchaseOf(key);
    const group = groups.get(id) ?? { id, keys: [] };
    group.keys.push(key);
    groups.set(id, group);
  }
  return [...groups.values()];
}

/**
 * @summary The customer's license keys, grouped by the purchase they came from: masked until
 * revealed, copy to the clipboard, activations used of the limit, status and expiry, and the
 * devices a key is activated on, each of which the customer may deactivate to free a seat.
 *
 * Needs a `<dodo-portal>` ancestor, which provides the API client and the locale. The full key is
 * fetched only when the customer reveals or copies it, and never leaves the element in an event.
 *
 * @tagname dodo-key-vault
 * @fires {CustomEvent<KeyCopiedDetail>} dodo-key-copied - A key was copied to the clipboard.
 * @fires {CustomEvent<KeyInstanceDeactivatedDetail>} dodo-key-instance-deactivated - The customer
 *   deactivated one activation (seat) of a key.
 * @fires {CustomEvent<PortalChangedDetail>} dodo-portal-changed - After each successful write: what
 *   changed (e.g. `subscriptions`, `invoices`), so the other sections refetch it.
 * @fires {CustomEvent<SessionExpiredDetail>} dodo-session-expired - The server answered 401 (fired
 *   by the enclosing `<dodo-portal>`, or by this element when used alone).
 *
 * @csspart base - The wrapper around every state.
 * @csspart group - One purchase's section.
 * @csspart group-title - A purchase's heading (product names and invoice or "Subscription").
 * @csspart key - One license key's card.
 * @csspart key-value - The key itself: masked, or the revealed key in a selectable field.
 * @csspart status - The status and expiry badges.
 * @csspart activations - "2 of 3 activations".
 * @csspart actions - A key's buttons (Reveal / Hide, Copy, activations).
 * @csspart copy-status - The "Copied" confirmation beside the Copy button.
 * @csspart instances - The list of a key's activations.
 * @csspart instance - One activation (device name and date).
 * @csspart empty - The "No license keys yet" message.
 * @csspart error - A load failure (with Retry) or the expired session.
 * @csspart dialog - The "Deactivate …?" confirmation.
 * @csspart confirmation - The visible, announced line after a deactivation ("… was deactivated.").
 *
 * @cssproperty --dodo-color-primary - Primary buttons and the focus ring.
 * @cssproperty --dodo-color-on-primary - Text on primary buttons.
 * @cssproperty --dodo-color-surface - Background.
 * @cssproperty --dodo-color-surface-raised - The key field and skeletons.
 * @cssproperty --dodo-color-text - Text; also the dialog backdrop.
 * @cssproperty --dodo-color-text-muted - Secondary text.
 * @cssproperty --dodo-color-border - Borders.
 * @cssproperty --dodo-color-success - The "Active" badge, "Copied" and the confirmation's edge.
 * @cssproperty --dodo-color-warning - The "Expired" badge.
 * @cssproperty --dodo-color-danger - The "Disabled" badge and errors.
 * @cssproperty --dodo-font-family - Font family.
 * @cssproperty --dodo-font-size - Base font size.
 * @cssproperty --dodo-radius - Corner radius.
 * @cssproperty --dodo-space - Base spacing unit.
 */
export class DodoKeyVault extends ThemedElement {
  static override get styles() {
    return [tokens, base, states, cards, dialog, styles];
  }

  static override get properties(): PropertyDeclarations {
    return {
      copied: { state: true, attribute: false },
      keyError: { state: true, attribute: false },
      busy: { state: true, attribute: false },
      confirmError: { state: true, attribute: false },
    };
  }

  readonly #portalSession = new SessionController(this);
  readonly #formatter = new Formatter(() => this.#portalSession.locale);
  readonly #licenseKeys = new DataController<PortalLicenseKey[]>(this, this.#portalSession, {
    load: async (client, _args, signal) => (await listLicenseKeys(client, signal)).items,
  });

  /** A cancelled subscription can disable its keys. */
  private readonly refresher = new RefreshController(this, ['license-keys'], () => this.#licenseKeys.run());

  /** "… was deactivated", once the dialog has closed. */
  readonly #confirmation = new ConfirmationController(this);

  /** The "Deactivate …?" dialog; on close focus returns to its button, or the key's activations toggle. */
  readonly #confirmDialog = new DialogController<Confirm>(this, this.#portalSession, {
    fallback: ({ key }) => {
      const card = this.renderRoot.querySelector<HTMLElement>(`[data-key-id="${CSS.escape(key.license_key_id)}"]`);
      return card?.querySelector<HTMLElement>('[aria-controls]') ?? card;
    },
  });

  #copiedTimer: ReturnType<typeof setTimeout> | undefined;
  /** The client the revealed keys belong to. */
  #keysClient: PortalClient | undefined;

  // Changed in place, then `requestUpdate()`.
  /** Full keys the customer revealed, by id. Forgotten on Hide and with a new session. */
  readonly #revealed = new Map<string, string>();
  /** Keys whose full text is on its way (reveal or copy). */
  readonly #fetching = new Set<string>();
  readonly #expanded = new Set<string>();
  readonly #instances = new Map<string, Instances>();
  /** The key just copied ("Copied" beside its button), or the one the clipboard refused. */
  private copied: { id: string; ok: boolean } | null = null;
  /** A key whose reveal or copy failed. */
  private keyError: string | null = null;
  private busy = false;
  private confirmError: string | null = null;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#copiedTimer);
    this.copied = null;
  }

  protected override willUpdate(): void {
    // A new session (token) is a new customer, perhaps: nothing revealed survives it.
    const client = this.#portalSession.client;
    if (client !== this.#keysClient && this.#keysClient !== undefined) {
      this.#revealed.clear();
      this.#expanded.clear();
      this.#instances.clear();
    }
    this.#keysClient = client;
  }

  /** The full key: revealed already, or fetched now. `null` when it could not be had. */
  async #fullKey(key: PortalLicenseKey): Promise<string | null> {
    const id = key.license_key_id;
    const known = this.#revealed.get(id);
    if (known) return known;
    const client = this.#portalSession.client;
    if (!client || this.#fetching.has(id)) return null;
    this.keyError = null;
    this.#fetching.add(id);
    this.requestUpdate();
    try {
      const full = (await revealLicenseKey(client, id)).key;
      if (!full) throw new Error('The server sent no key');
      this.#revealed.set(id, full);
      return full;
    } catch (error) {
      this.#portalSession.noteFailure(error);
      if (!isAbort(error)) this.keyError = id;
      return null;
    } finally {
      this.#fetching.delete(id);
      this.requestUpdate();
    }
  }

  async #toggleReveal(key: PortalLicenseKey): Promise<void> {
    const id = key.license_key_id;
    if (this.#revealed.delete(id)) {
      if (this.copied?.id === id) this.copied = null;
      this.requestUpdate();
    } else await this.#fullKey(key);
  }

  async #copy(key: PortalLicenseKey): Promise<void> {
    const id = key.license_key_id;
    const full = await this.#fullKey(key);
    if (!full) return;
    clearTimeout(this.#copiedTimer);
    try {
      // No clipboard (an insecure page) throws here too.
      await navigator.clipboard.writeText(full);
    } catch {
      // The page or browser refused: leave the key selected so Ctrl+C / ⌘C copies it.
      this.copied = { id, ok: false };
      await this.updateComplete;
      const field = this.renderRoot.querySelector<HTMLInputElement>(`[data-key-id="${CSS.escape(id)}"] input`);
      field?.focus();
      field?.select();
      return;
    }
    this.copied = { id, ok: true };
    this.#copiedTimer = setTimeout(() => (this.copied = null), COPIED_MS);
    emit<KeyCopiedDetail>(this, 'dodo-key-copied', { licenseKeyId: id });
  }

  async #loadInstances(key: PortalLicenseKey): Promise<void> {
    const id = key.license_key_id;
    const client = this.#portalSession.client;
    if (!client) return;
    const previous = this.#instances.get(id)?.items ?? [];
    this.#setInstances(id, 'loading', previous);
    try {
      this.#setInstances(id, 'ready', (await listLicenseKeyInstances(client, id)).items);
    } catch (error) {
      this.#portalSession.noteFailure(error);
      this.#setInstances(id, 'error', previous);
    }
  }

  #setInstances(id: string, state: Instances['state'], items: LicenseKeyInstance[]): void {
    this.#instances.set(id, { state, items });
    this.requestUpdate();
  }

  #toggleInstances(key: PortalLicenseKey): void {
    const id = key.license_key_id;
    this.requestUpdate();
    if (this.#expanded.delete(id)) return;
    this.#expanded.add(id);
    if (this.#instances.get(id)?.state !== 'ready') void this.#loadInstances(key);
  }

  #askToDeactivate(key: PortalLicenseKey, instance: LicenseKeyInstance, event: Event): void {
    this.confirmError = null;
    this.#confirmation.show('');
    this.#confirmDialog.open({ key, instance }, event.currentTarget);
  }

  async #deactivate(): Promise<void> {
    const confirm = this.#confirmDialog.value;
    const client = this.#portalSession.client;
    if (!confirm || !client || this.busy) return;
    const { key, instance } = confirm;
    this.busy = true;
    this.confirmError = null;
    // Already gone (another tab, the software itself) counts as done: the list was out of date.
    let code = 'not_found';
    try {
      await deactivateLicenseKeyInstance(client, key.license_key_id, instance.license_key_instance_id);
    } catch (error) {
      this.#portalSession.noteFailure(error);
      code = errorCode(error);
    }
    this.busy = false;
    if (code !== 'not_found') return void (this.confirmError = code);
    const items = (this.#instances.get(key.license_key_id)?.items ?? []).filter((item) => item.license_key_instance_id !== instance.license_key_instance_id);
    this.#setInstances(key.license_key_id, 'ready', items);
    this.#confirmation.show(msg(str`${instance.name} was deactivated.`));
    // Its button is gone (Lit may reuse it for the next device): focus goes to the fallback.
    void this.#confirmDialog.close(true);
    emit<KeyInstanceDeactivatedDetail>(this, 'dodo-key-instance-deactivated', {
      licenseKeyId: key.license_key_id,
      instanceId: instance.license_key_instance_id,
    });
  }

  #expiry(key: PortalLicenseKey): string {
    if (!key.expires_at) return msg('Never expires');
    const date = this.#formatter.date(key.expires_at);
    return Date.parse(key.expires_at) <= Date.now() ? msg(str`Expired ${date}`) : msg(str`Expires ${date}`);
  }

  /** Seats in use: the opened list when there is one (it is newer), else the server's count. */
  #used(key: PortalLicenseKey): number {
    const opened = this.#instances.get(key.license_key_id);
    return opened?.state === 'ready' ? opened.items.length : key.instances_count;
  }

  #activations(key: PortalLicenseKey): string {
    const used = this.#used(key);
    const limit = key.activations_limit;
    return limit === null ? msg(str`Unlimited activations (${used} in use)`) : msg(str`${used} of ${limit} activations`);
  }

  #purchaseTitle({ keys }: Purchase): string {
    const products = [...new Set(keys.map((key) => key.product.name))].join(', ');
    const { source } = keys[0]!;
    const from = source.type === 'subscription' ? msg('Subscription') : source.invoice_number ? msg(str`Invoice ${source.invoice_number}`) : msg('One-time purchase');
    return `${products} · ${from}`;
  }

  #confirmErrorText(code: string): string {
    return code === 'key_deactivation_disabled' ? msg('The seller does not allow deactivating devices here. Please contact them.') : msg('Something went wrong. Please try again.');
  }

  #renderKeyValue(key: PortalLicenseKey): TemplateResult {
    const full = this.#revealed.get(key.license_key_id);
    const label = msg(str`License key for ${key.product.name}`);
    if (full) {
      return html`<input part="key-value" class="key key--revealed" readonly aria-label=${label} .value=${full} spellcheck="false" />`;
    }
    const tail = key.key_masked.split(/[-\s]/).at(-1) ?? '';
    return html`<p part="key-value" class="key">
      <span aria-hidden="true">${key.key_masked}</span
      ><span class="visually-hidden">${msg(str`Hidden key ending in ${tail}`)}</span>
    </p>`;
  }

  #renderCopyStatus(id: string): TemplateResult {
    const copied = this.copied?.id === id ? this.copied : null;
    return html`<span part="copy-status" class="copy-status ${copied && !copied.ok ? 'copy-status--manual' : ''}" role="status"
      >${copied ? (copied.ok ? msg('Copied') : msg('Copying was blocked. The key is selected: press Ctrl+C (⌘C on a Mac) to copy it.')) : nothing}</span
    >`;
  }

  #renderInstances(key: PortalLicenseKey, listId: string): TemplateResult | typeof nothing {
    const id = key.license_key_id;
    if (!this.#expanded.has(id)) return nothing;
    const opened = this.#instances.get(id) ?? { state: 'loading', items: [] };
    let body: TemplateResult;
    if (opened.state === 'error') {
      body = html`<p class="key-error" role="alert">
        ${msg("We couldn't load the activations.")}
        <button type="button" class="button" @click=${() => this.#loadInstances(key)}>${msg('Retry')}</button>
      </p>`;
    } else if (opened.state === 'loading' && opened.items.length === 0) {
      body = html`<p class="muted" aria-busy="true">${msg('Loading activations…')}</p>`;
    } else if (opened.items.length === 0) {
      body = html`<p class="muted">${msg('Not activated on any device yet.')}</p>`;
    } else {
      body = html`<ul part="instances" class="instances">
        ${opened.items.map(
          (instance) => html`<li part="instance" class="instance" data-instance-id=${instance.license_key_instance_id}>
            <span class="instance__name">${instance.name}</span>
            <span class="muted">
              ${msg(str`Activated ${this.#formatter.date(instance.created_at)}`)}
            </span>
            ${
              key.can_deactivate_instances
                ? html`<button type="button" class="button" @click=${(event: Event) => this.#askToDeactivate(key, instance, event)}>
                  ${msg('Deactivate')}<span class="visually-hidden"> ${instance.name}</span>
                </button>`
                : nothing
            }
          </li>`,
        )}
      </ul>`;
    }
    return html`<div id=${listId} class="instances-panel">
      ${body}
      ${
        key.can_deactivate_instances || opened.items.length === 0
          ? nothing
          : html`<p class="muted">
            ${msg('To free an activation, deactivate the key in the software itself, or contact the seller.')}
          </p>`
      }
    </div>`;
  }

  #renderKey(key: PortalLicenseKey): TemplateResult {
    const id = key.license_key_id;
    const revealed = this.#revealed.has(id);
    const fetching = this.#fetching.has(id);
    const expanded = this.#expanded.has(id);
    const listId = `instances-${id}`;
    const name = html`<span class="visually-hidden"> ${key.product.name}</span>`;
    return html`
      <li part="key" class="card" data-key-id=${id}>
        <div class="card__header">
          <h4 class="card__name">${key.product.name}</h4>
          <span part="status" class="badge badge--${key.status}">${keyStatusLabel(key.status)}</span>
          <span part="status" class="badge badge--expiry">${this.#expiry(key)}</span>
        </div>
        ${this.#renderKeyValue(key)}
        <p part="activations" class="muted">${this.#activations(key)}</p>
        <div part="actions" class="actions">
          <button type="button" class="button" aria-disabled=${fetching} @click=${() => this.#toggleReveal(key)}>
            ${revealed ? msg('Hide') : msg('Reveal')}${name}
          </button>
          <button type="button" class="button button--primary" aria-disabled=${fetching} @click=${() => this.#copy(key)}>
            ${msg('Copy')}${name}
          </button>
          <button type="button" class="button" aria-expanded=${expanded} aria-controls=${listId} @click=${() => this.#toggleInstances(key)}>
            ${msg('Activations')}${name}
          </button>
          ${this.#renderCopyStatus(id)}
        </div>
        <p class="key-error" role="alert">${this.keyError === id ? msg("We couldn't fetch the key. Please try again.") : nothing}</p>
        ${this.#renderInstances(key, listId)}
      </li>
    `;
  }

  #renderLoaded(keys: PortalLicenseKey[]): TemplateResult {
    if (keys.length === 0) {
      return html`
        <div part="empty" class="message">
          <p class="message__title">${msg('No license keys yet')}</p>
          <p class="message__body">
            ${msg('License keys for the software you buy appear here as soon as your payment goes through, grouped by purchase.')}
          </p>
        </div>
      `;
    }
    return html`${groupByPurchase(keys).map((purchase) => {
      const headingId = `purchase-${purchase.id}`;
      return html`<section part="group" class="group" aria-labelledby=${headingId}>
        <h3 part="group-title" id=${headingId} class="group__title">${this.#purchaseTitle(purchase)}</h3>
        <ul class="list">
          ${purchase.keys.map((key) => this.#renderKey(key))}
        </ul>
      </section>`;
    })}`;
  }

  #renderDialog(): TemplateResult | typeof nothing {
    const confirm = this.#confirmDialog.value;
    if (!confirm) return nothing;
    const { key, instance } = confirm;
    return html`
      <dialog part="dialog" class="dialog" aria-labelledby="dialog-title" aria-describedby="dialog-body" @close=${this.#confirmDialog.close}>
        <h2 id="dialog-title" class="dialog__title">${msg(str`Deactivate ${instance.name}?`)}</h2>
        <p id="dialog-body">
          ${msg(str`This frees one activation of your ${key.product.name} key. The software on ${instance.name} stops working until it is activated again.`)}
        </p>
        <p class="key-error" role="alert">${this.confirmError ? this.#confirmErrorText(this.confirmError) : nothing}</p>
        <div class="actions actions--end">
          <button type="button" class="button" autofocus @click=${() => this.#confirmDialog.close()}>${msg('Cancel')}</button>
          <button type="button" class="button button--primary" aria-disabled=${this.busy} @click=${this.#deactivate}>
            ${this.busy ? msg('Deactivating…') : msg('Deactivate')}
          </button>
        </div>
      </dialog>
    `;
  }

  override render(): TemplateResult {
    const content = this.#licenseKeys.render({
      loading: () => cardsSkeleton(),
      stale: true,
      complete: (keys) => this.#renderLoaded(keys),
      error: msg("We couldn't load your license keys."),
    });
    return html`
      <div part="base" class="base" tabindex="-1">
        ${this.#licenseKeys.renderStatus(msg('Loading license keys…'))}
        ${this.#confirmation.render()} ${content} ${this.#portalSession.expired ? nothing : this.#renderDialog()}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dodo-key-vault': DodoKeyVault;
  }
}
