/**
 * A table loaded a page at a time by cursor (the invoice and transaction lists): Previous / Next
 * with the page number, the host's `page-size` (1–100), and the four faces of its data. The last
 * page stays known while the next loads, so the pagination keeps its place (and focus).
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';
import { TaskStatus } from './task.ts';
import type { PortalClient } from '@dodo-portal/wire/client';
import { DataController } from './data.ts';
import type { SessionController } from './session.ts';

const DEFAULT_PAGE_SIZE = 10;
/** The API's `limit` bounds. */
const MAX_PAGE_SIZE = 100;

export interface PageQuery {
  limit: number;
  cursor: string | null;
  signal: AbortSignal;
}

type Page = { items: readonly unknown[]; next_cursor: string | null };

/** The faces of a paged list, in the element's words. */
export interface PagedFaces<P> {
  /** The table of one page; without a page, its loading skeleton. */
  table: (page?: P) => TemplateResult;
  /** The first page is empty. */
  empty: () => TemplateResult;
  /** Title of the load-error face (with its Retry button). */
  error: string;
  /** Announced while a page loads. */
  loading: string;
  /** Accessible name of the Previous / Next navigation. */
  pages: string;
  /** Below the list (e.g. the download error line). */
  footer?: TemplateResult;
}

export class PagedListController<P extends Page> implements ReactiveController {
  readonly data: DataController<P>;
  /** Cursors of the pages before the current one; `null` is the first page. */
  #previousCursors: (string | null)[] = [];
  #pageCursor: string | null = null;
  #shownPage: P | undefined;
  #shownLimit: number | undefined;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement & { renderRoot: ParentNode; pageSize: number },
    private readonly portalSession: SessionController,
    fetchPage: (client: PortalClient, query: PageQuery) => Promise<P>,
  ) {
    // Added before the data's Task, so a new page size resets the cursor before the Task reads it.
    host.addController(this);
    this.data = new DataController<P>(host, portalSession, {
      load: async (client, [cursor, limit], signal) => {
        const page = await fetchPage(client, { limit: limit as number, cursor: cursor as string | null, signal });
        this.#shownPage = page;
        return page;
      },
      args: () => [this.#pageCursor, this.limit],
    });
  }

  hostUpdate(): void {
    const limit = this.limit;
    if (this.#shownLimit !== undefined && limit !== this.#shownLimit) {
      this.#pageCursor = null;
      this.#previousCursors = [];
      this.#shownPage = undefined;
    }
    this.#shownLimit = limit;
  }

  get limit(): number {
    const size = Math.trunc(this.host.pageSize);
    return Number.isFinite(size) && size > 0 ? Math.min(size, MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
  }

  readonly #goToNext = (): void => {
    const next = this.#shownPage?.next_cursor;
    if (this.data.pending || !next) return;
    this.#previousCursors = [...this.#previousCursors, this.#pageCursor];
    this.#pageCursor = next;
    this.host.requestUpdate();
  };

  readonly #goToPrevious = (): void => {
    if (this.data.pending || this.#previousCursors.length === 0) return;
    this.#pageCursor = this.#previousCursors.at(-1) ?? null;
    this.#previousCursors = this.#previousCursors.slice(0, -1);
    this.host.requestUpdate();
  };

  // Templates are kept compact: the CDN script carries their whitespace.
  #renderPagination(label: string): TemplateResult | typeof nothing {
    const hasPrevious = this.#previousCursors.length > 0;
    const hasNext = Boolean(this.#shownPage?.next_cursor);
    if (!hasPrevious && !hasNext) return nothing;
    const pending = this.data.pending;
    return html`<nav part="pagination" class="pagination" aria-label=${label}>
      <button type="button" class="button" aria-disabled=${String(!hasPrevious || pending)} @click=${this.#goToPrevious}>${msg('Previous')}</button>
      <span class="page-number">${msg(str`Page ${this.#previousCursors.length + 1}`)}</span>
      <button type="button" class="button" aria-disabled=${String(!hasNext || pending)} @click=${this.#goToNext}>${msg('Next')}</button>
    </nav>`;
  }

  render(faces: PagedFaces<P>): TemplateResult {
    const expired = this.portalSession.expired;
    const content = this.data.render({
      loading: () => faces.table(),
      complete: (page) => faces.table(page),
      empty: faces.empty,
      isEmpty: (page) => page.items.length === 0 && this.#previousCursors.length === 0,
      error: faces.error,
    });
    return html`<div part="base" class="base" tabindex="-1">
      ${this.data.renderStatus(faces.loading)}
      ${content} ${!expired && this.data.status !== TaskStatus.ERROR ? this.#renderPagination(faces.pages) : nothing}
      ${faces.footer ?? nothing}
    </div>`;
  }
}
