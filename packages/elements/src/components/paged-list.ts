/**
 * What the invoice and transaction lists share: a table loaded a page at a time by cursor
 * (Previous / Next, the page number, `page-size`), its loading, empty, error and expired faces, and
 * the invoice PDFs being downloaded from its rows.
 */
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { msg, str } from '@lit/localize';
import { Task, TaskStatus, initialState } from '@lit/task';
import type { PortalClient } from '@dodo-portal/wire/client';
import { PortalConsumer, isAbort } from './portal-consumer.ts';

const DEFAULT_PAGE_SIZE = 10;
/** The API's `limit` bounds. */
const MAX_PAGE_SIZE = 100;

export interface PageQuery {
  limit: number;
  cursor: string | null;
  signal: AbortSignal;
}

/** The faces of a paged list, in the subclass's words. */
export interface PagedFaces<Page> {
  /** The table of one page; without a page, its loading skeleton. */
  table: (page?: Page) => TemplateResult;
  /** The first page is empty. */
  empty: () => TemplateResult;
  /** Title of the load-error face (with its Retry button). */
  error: string;
  /** Announced while a page loads. */
  loading: string;
  /** Accessible name of the Previous / Next navigation. */
  pages: string;
}

export abstract class PagedList<Page extends { items: readonly unknown[]; next_cursor: string | null }> extends PortalConsumer {
  /** Cursors of the pages before the current one; `null` is the first page. */
  private previousCursors: (string | null)[] = [];
  /** The last page shown, so pagination keeps its place (and focus) while the next one loads. */
  private lastPage: Page | undefined;

  protected readonly pages = new Task(this, {
    task: async ([client, cursor, limit], { signal }) => {
      if (!client) return initialState;
      try {
        const page = await this.fetchPage(client, { limit, cursor, signal });
        this.lastPage = page;
        return page;
      } catch (error) {
        this.noteFailure(error);
        throw error;
      }
    },
    args: () => [this.client, this.cursor, this.limit] as const,
  });

  @state() private cursor: string | null = null;
  /** Invoice ids whose PDF is being fetched. */
  @state() protected downloading: ReadonlySet<string> = new Set();
  @state() private downloadFailed = false;

  /** Rows per page (1–100). */
  @property({ type: Number, attribute: 'page-size' }) pageSize = DEFAULT_PAGE_SIZE;

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    if (changed.has('pageSize') && this.hasUpdated) {
      this.cursor = null;
      this.previousCursors = [];
      this.lastPage = undefined;
    }
  }

  /** One page of rows from the API. */
  protected abstract fetchPage(client: PortalClient, query: PageQuery): Promise<Page>;

  protected get limit(): number {
    const size = Math.trunc(this.pageSize);
    return Number.isFinite(size) && size > 0 ? Math.min(size, MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
  }

  private get isPending(): boolean {
    return this.pages.status === TaskStatus.PENDING || this.pages.status === TaskStatus.INITIAL;
  }

  private goToNextPage(): void {
    const next = this.lastPage?.next_cursor;
    if (this.isPending || !next) return;
    this.previousCursors = [...this.previousCursors, this.cursor];
    this.cursor = next;
  }

  private goToPreviousPage(): void {
    if (this.isPending || this.previousCursors.length === 0) return;
    this.cursor = this.previousCursors.at(-1) ?? null;
    this.previousCursors = this.previousCursors.slice(0, -1);
  }

  private retry(): void {
    // The Retry button disappears with the error: keep keyboard focus inside the list, not on <body>.
    this.renderRoot.querySelector<HTMLElement>('.base')?.focus();
    void this.pages.run();
  }

  /**
   * Runs `save` for one invoice's PDF, at most once at a time per invoice; a failure shows the
   * download error (not when the session ended: the expired face says what to do).
   */
  protected async trackDownload(invoiceId: string, save: (client: PortalClient) => Promise<void>): Promise<void> {
    const client = this.client;
    if (!client || this.downloading.has(invoiceId)) return;
    this.downloadFailed = false;
    this.downloading = new Set(this.downloading).add(invoiceId);
    try {
      await save(client);
    } catch (error) {
      this.noteFailure(error);
      if (!this.expired && !isAbort(error)) this.downloadFailed = true;
    } finally {
      const downloading = new Set(this.downloading);
      downloading.delete(invoiceId);
      this.downloading = downloading;
    }
  }

  // Templates are kept compact: the CDN script carries their whitespace.
  private renderPagination(label: string): TemplateResult | typeof nothing {
    const hasPrevious = this.previousCursors.length > 0;
    const hasNext = Boolean(this.lastPage?.next_cursor);
    if (!hasPrevious && !hasNext) return nothing;
    const pending = this.isPending;
    return html`<nav part="pagination" class="pagination" aria-label=${label}>
      <button type="button" class="button" aria-disabled=${String(!hasPrevious || pending)} @click=${this.goToPreviousPage}>${msg('Previous', { id: 'invoice-list.previous' })}</button>
      <span class="page-number">${msg(str`Page ${this.previousCursors.length + 1}`, { id: 'invoice-list.page' })}</span>
      <button type="button" class="button" aria-disabled=${String(!hasNext || pending)} @click=${this.goToNextPage}>${msg('Next', { id: 'invoice-list.next' })}</button>
    </nav>`;
  }

  protected renderPaged(faces: PagedFaces<Page>): TemplateResult {
    const content = this.expired
      ? this.renderExpired()
      : this.pages.render({
          initial: () => faces.table(),
          pending: () => faces.table(),
          complete: (page) => (page.items.length === 0 && this.previousCursors.length === 0 ? faces.empty() : faces.table(page)),
          error: () => this.renderLoadError(faces.error, this.retry),
        });
    return html`<div part="base" class="base" tabindex="-1">
      <p class="visually-hidden" role="status">${this.isPending && !this.expired ? faces.loading : nothing}</p>
      ${content} ${!this.expired && this.pages.status !== TaskStatus.ERROR ? this.renderPagination(faces.pages) : nothing}
      <p class="download-error" role="alert">${this.downloadFailed
          ? msg('The download failed. Please try again.', { id: 'invoice-list.download.error' })
          : nothing}</p>
    </div>`;
  }
}
