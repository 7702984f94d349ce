/**
 * Rendered invoice PDFs, kept by everything they are drawn from. The key is a hash of the whole
 * render input (the invoice with its status, refunds and lines; the business's name and brand;
 * the customer's name, email and reading locale) and of the font settings, so there is nothing to
 * invalidate: a refund, a void, a payment, a renamed customer or another language is another key,
 * rendered afresh, and the old entry just ages out. Rendering is deterministic (the PDF's dates
 * and file id come from the invoice), so a kept PDF is the same bytes a new render would give.
 *
 * The ETag is a hash of the bytes, so it names exactly one PDF, across restarts too.
 * Concurrent requests for the same key share one render. Bounded by total size, least recently
 * used out first.
 *
 * Renders take turns: one per turn of the event loop, oldest first, each at least one turn after
 * it was asked for. A render is synchronous CPU work (milliseconds), so under load requests wait
 * for it; between two renders Node reads its sockets, and a render that every waiting request has
 * given up on (their `signal`s aborted: the client closed the connection) is skipped, its
 * requests rejected with RenderSkipped. Without the turns, a burst of requests would be rendered
 * back to back before the server learnt that their clients had gone.
 */
import { createHash } from 'node:crypto';
import { renderInvoicePdf, type InvoicePdfInput } from './invoice-pdf.ts';

export interface RenderedPdf {
  bytes: Uint8Array<ArrayBuffer>;
  /** A strong entity tag, quoted. */
  etag: string;
}

/** The render was not begun: every request waiting for it had gone. */
export class RenderSkipped extends Error {
  constructor() {
    super('Every request for this PDF went away before its render began.');
    this.name = 'RenderSkipped';
  }
}

const hash = (data: string | Uint8Array) => createHash('sha256').update(data).digest('base64url');

interface Entry {
  rendered: Promise<RenderedPdf>;
  /** Its size once rendered, counted in `total`. */
  size?: number;
  /** Until its render begins: the requests waiting for it (one without a signal waits for good). */
  waiting?: number;
  /** Rejects the requests of a render not begun, and leaves it out of its turn. */
  skip?: () => void;
}

/**
 * `invoicePdf(input, signal)`: the invoice's PDF and its ETag, rendered unless the same input was
 * rendered before and is still kept; rejected with RenderSkipped when `signal` (and that of every
 * other request for the same PDF) aborts before the render begins. `limitBytes` bounds the kept
 * PDFs' total size.
 */
export function renderedPdfs({ limitBytes }: { limitBytes: number }): (input: InvoicePdfInput, signal?: AbortSignal) => Promise<RenderedPdf> {
  /** Most recently used last; pending renders are in it too, not yet counted in `total`. */
  const kept = new Map<string, Entry>();
  let total = 0;

  const evict = () => {
    for (const [key, entry] of kept) {
      if (total <= limitBytes) return;
      if (entry.size === undefined) continue; // still rendering
      kept.delete(key);
      total -= entry.size;
    }
  };

  /** Renders waiting for their turn, oldest first, each with the turn it was asked in. */
  const queue: { begin: () => boolean; asked: number }[] = [];
  let turn = 0;
  let scheduled = false;
  const nextTurn = () => {
    turn += 1;
    // One render per turn; one asked for in the last turn waits for this one's socket reads.
    while (queue.length > 0 && queue[0]!.asked < turn - 1) if (queue.shift()!.begin()) break;
    scheduled = queue.length > 0;
    if (scheduled) setImmediate(nextTurn);
  };
  const enqueue = (begin: () => boolean) => {
    queue.push({ begin, asked: turn });
    if (!scheduled) {
      scheduled = true;
      setImmediate(nextTurn);
    }
  };

  /** `entry` for one more request: counted among its waiters until its render begins. */
  const wait = (key: string, entry: Entry, signal: AbortSignal | undefined) => {
    if (entry.waiting === undefined || signal?.aborted) return entry.rendered;
    entry.waiting += 1;
    signal?.addEventListener(
      'abort',
      () => {
        if (entry.waiting === undefined || (entry.waiting -= 1) > 0) return;
        if (kept.get(key) === entry) kept.delete(key);
        entry.skip?.();
      },
      { once: true },
    );
    return entry.rendered;
  };

  return (input, signal) => {
    // The font settings are read at render time (fonts.ts): part of the key.
    const key = hash(JSON.stringify([input, process.env.DODO_PORTAL_PDF_FONT ?? null, process.env.DODO_PORTAL_PDF_FONT_BOLD ?? null]));
    const found = kept.get(key);
    if (found) {
      kept.delete(key);
      kept.set(key, found);
      return wait(key, found, signal);
    }
    if (signal?.aborted) return Promise.reject(new RenderSkipped());
    const entry: Entry = { waiting: 0, rendered: undefined as unknown as Promise<RenderedPdf> };
    const pdf = new Promise<Buffer>((resolve, reject) => {
      let begun = false;
      entry.skip = () => {
        begun = true;
        reject(new RenderSkipped());
      };
      enqueue(() => {
        if (begun) return false;
        begun = true;
        entry.waiting = undefined;
        entry.skip = undefined;
        try {
          renderInvoicePdf(input).then(resolve, reject);
        } catch (error) {
          reject(error);
        }
        return true;
      });
    });
    entry.rendered = pdf.then(
      (bytes) => {
        const rendered = { bytes: new Uint8Array(bytes), etag: `"${hash(bytes).slice(0, 27)}"` };
        if (kept.get(key) === entry) {
          entry.size = bytes.length;
          total += bytes.length;
          evict();
        }
        return rendered;
      },
      (error: unknown) => {
        if (kept.get(key) === entry) kept.delete(key);
        throw error;
      },
    );
    kept.set(key, entry);
    return wait(key, entry, signal);
  };
}

/** The server's: a few thousand Latin invoices (~2–3 KB each) or hundreds of CJK ones (~50 KB). */
export const invoicePdf = renderedPdfs({ limitBytes: 32 * 1024 * 1024 });

/** Whether an `If-None-Match` header names `etag` (weak comparison, as RFC 9110 has it for GET). */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}
