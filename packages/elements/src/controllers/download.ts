/**
 * Invoice PDFs downloaded from an element: the cancelable `dodo-invoice-download` event first, then
 * the PDF handed to the browser's download manager. At most one download per invoice at a time
 * (its button says so); a failure shows one error line, except when the session ended (the expired
 * face says what to do).
 */
import { html, nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { msg } from '@lit/localize';
import type { InvoiceDownloadDetail } from '../events.ts';
import { emit } from './refresh.ts';
import { isAbort, type SessionController } from './session.ts';
import { getInvoice, invoicePdf } from '@dodo-portal/wire/client';

/** Long enough for every browser to have started reading the blob before it is released. */
const REVOKE_DELAY_MS = 1_000;

/**
 * Hand an invoice PDF to the browser's download manager as `{number}.pdf`, through a blob URL so
 * the session token never appears in a URL.
 */
export function saveInvoicePdf(root: ParentNode, pdf: Blob, number: string): void {
  const url = URL.createObjectURL(pdf);
  const link = document.createElement('a');
  link.href = url;
  link.download = `${number.replace(/[^\w.-]+/g, '_')}.pdf`;
  link.hidden = true;
  root.append(link);
  try {
    link.click();
  } finally {
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), REVOKE_DELAY_MS);
  }
}

/** Needs no lifecycle hook: it re-renders the host as downloads start and end. */
export class DownloadController {
  /** Invoice ids whose PDF is being fetched. */
  readonly #inFlight = new Set<string>();
  #downloadFailed = false;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement & { renderRoot: ParentNode },
    private readonly portalSession: SessionController,
    /** Fire `dodo-invoice-download` first: off for an element whose public events never listed it. */
    private readonly announce = true,
  ) {}

  /** Download one invoice's PDF; without its `number` (a payment knows only the id), it is looked up first. */
  async download(invoiceId: string, number?: string): Promise<void> {
    const client = this.portalSession.client;
    if (!client || this.#inFlight.has(invoiceId)) return;
    this.#downloadFailed = false;
    this.#inFlight.add(invoiceId);
    this.host.requestUpdate();
    try {
      number ??= (await getInvoice(client, invoiceId)).number;
      if (this.announce && !emit<InvoiceDownloadDetail>(this.host, 'dodo-invoice-download', { invoiceId, number }, true)) return;
      saveInvoicePdf(this.host.renderRoot, await invoicePdf(client, invoiceId), number);
    } catch (error) {
      this.portalSession.noteFailure(error);
      if (!this.portalSession.expired && !isAbort(error)) this.#downloadFailed = true;
    } finally {
      this.#inFlight.delete(invoiceId);
      this.host.requestUpdate();
    }
  }

  /** A row's button: "Download PDF", or "Downloading…" while its PDF is on the way. */
  renderButton(invoiceId: string, hiddenLabel: string, number?: string): TemplateResult {
    const downloading = this.#inFlight.has(invoiceId);
    return html`<button type="button" class="button" aria-disabled=${String(downloading)} @click=${() => this.download(invoiceId, number)}>${
      downloading ? msg('Downloading…') : msg('Download PDF')
    }<span class="visually-hidden"> ${hiddenLabel}</span></button>`;
  }

  /** The alert line under the list; present before it has words, so the failure is spoken. */
  renderError(): TemplateResult {
    return html`<p class="download-error" role="alert">${this.#downloadFailed ? msg('The download failed. Please try again.') : nothing}</p>`;
  }
}
