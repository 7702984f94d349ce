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
 */
import { createHash } from 'node:crypto';
import { renderInvoicePdf, type InvoicePdfInput } from './invoice-pdf.ts';

export interface RenderedPdf {
  bytes: Uint8Array<ArrayBuffer>;
  /** A strong entity tag, quoted. */
  etag: string;
}

const hash = (data: string | Uint8Array) => createHash('sha256').update(data).digest('base64url');

/**
 * `invoicePdf(input)`: the invoice's PDF and its ETag, rendered unless the same input was rendered
 * before and is still kept. `limitBytes` bounds the kept PDFs' total size.
 */
export function renderedPdfs({ limitBytes }: { limitBytes: number }): (input: InvoicePdfInput) => Promise<RenderedPdf> {
  /** Most recently used last; pending renders are in it too, not yet counted in `total`. */
  const kept = new Map<string, Promise<RenderedPdf>>();
  const sizes = new Map<string, number>();
  let total = 0;

  const evict = () => {
    for (const key of kept.keys()) {
      if (total <= limitBytes) return;
      const size = sizes.get(key);
      if (size === undefined) continue; // still rendering
      kept.delete(key);
      sizes.delete(key);
      total -= size;
    }
  };

  return (input) => {
    // The font settings are read at render time (fonts.ts): part of the key.
    const key = hash(JSON.stringify([input, process.env.DODO_PORTAL_PDF_FONT ?? null, process.env.DODO_PORTAL_PDF_FONT_BOLD ?? null]));
    const found = kept.get(key);
    if (found) {
      kept.delete(key);
      kept.set(key, found);
      return found;
    }
    const rendering: Promise<RenderedPdf> = renderInvoicePdf(input).then(
      (pdf) => {
        const rendered = { bytes: new Uint8Array(pdf), etag: `"${hash(pdf).slice(0, 27)}"` };
        if (kept.get(key) === rendering) {
          sizes.set(key, pdf.length);
          total += pdf.length;
          evict();
        }
        return rendered;
      },
      (error: unknown) => {
        kept.delete(key);
        throw error;
      },
    );
    kept.set(key, rendering);
    return rendering;
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
