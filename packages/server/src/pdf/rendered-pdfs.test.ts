/**
 * The kept invoice PDFs: one render for concurrent requests of one input, a new render for any
 * change of the input, the least recently used out first past the size limit, no render once every
 * request for it has gone, and `If-None-Match` read as RFC 9110 has it. (Over TCP through the route: routes/portal/invoice-pdf-etag.test.ts.)
 */
import type { Invoice } from '@dodo-portal/wire/schemas';
import { describe, expect, it } from 'vitest';
import type { InvoicePdfInput } from './invoice-pdf.ts';
import { matchesEtag, renderedPdfs, RenderSkipped } from './rendered-pdfs.ts';

const invoice: Invoice = {
  invoice_id: 'inv_kept',
  number: 'INV-000042',
  status: 'paid',
  currency: 'EUR',
  subtotal: 10_000,
  tax: 0,
  total: 10_000,
  issued_at: '2026-01-05T00:00:00.000Z',
  paid_at: '2026-01-05T00:00:00.000Z',
  customer_id: 'cus_kept',
  subscription_id: null,
  line_items: [{ description: 'Annual plan', quantity: 1, unit_amount: 10_000, amount: 10_000, tax_rate_bps: 0 }],
  billing_address: null,
};
const input = (changes: Partial<Invoice> = {}, locale = 'en-US'): InvoicePdfInput => ({
  invoice: { ...invoice, ...changes },
  business: { name: 'Kept AB', brand: { display_name: 'Kept', primary_color: null } },
  customer: { name: 'Greta', email: 'greta@example.com', locale },
});

describe('kept invoice PDFs', () => {
  it('renders an input once for concurrent requests, and again for any change of it', async () => {
    const pdfs = renderedPdfs({ limitBytes: 1_000_000 });
    const [a, b] = [pdfs(input()), pdfs(input())];
    expect(b).toBe(a);
    const first = await a;
    expect(pdfs(input())).toBe(a);
    const voided = await pdfs(input({ status: 'void' }));
    const german = await pdfs(input({}, 'de-DE'));
    expect(new Set([first.etag, voided.etag, german.etag]).size).toBe(3);
    expect(Buffer.from(voided.bytes).equals(Buffer.from(first.bytes))).toBe(false);
  });

  it('drops the least recently used PDF past the size limit', async () => {
    const size = (await renderedPdfs({ limitBytes: 1_000_000 })(input())).bytes.length;
    // Room for two.
    const pdfs = renderedPdfs({ limitBytes: size * 2 + size / 2 });
    const one = pdfs(input({ number: 'INV-1' }));
    await one;
    const two = pdfs(input({ number: 'INV-2' }));
    await two;
    expect(pdfs(input({ number: 'INV-1' }))).toBe(one); // used again: INV-2 is now the oldest
    await pdfs(input({ number: 'INV-3' }));
    expect(pdfs(input({ number: 'INV-1' }))).toBe(one);
    const twoAgain = pdfs(input({ number: 'INV-2' }));
    expect(twoAgain).not.toBe(two);
    expect((await twoAgain).etag).toBe((await two).etag);
  });

  it('skips a render only when every request waiting for it has gone before it began', async () => {
    const pdfs = renderedPdfs({ limitBytes: 1_000_000 });
    const [gone, staying] = [new AbortController(), new AbortController()];
    const shared = pdfs(input({ number: 'INV-7' }), gone.signal);
    expect(pdfs(input({ number: 'INV-7' }), staying.signal)).toBe(shared);
    gone.abort();
    expect((await shared).bytes.length).toBeGreaterThan(0);

    const [first, second] = [new AbortController(), new AbortController()];
    const skipped = pdfs(input({ number: 'INV-8' }), first.signal);
    expect(pdfs(input({ number: 'INV-8' }), second.signal)).toBe(skipped);
    first.abort();
    second.abort();
    await expect(skipped).rejects.toBeInstanceOf(RenderSkipped);
    // Not kept: the next request renders it.
    const again = pdfs(input({ number: 'INV-8' }));
    expect(again).not.toBe(skipped);
    expect((await again).etag).toMatch(/^"/);
    const aborted = new AbortController();
    aborted.abort();
    await expect(pdfs(input({ number: 'INV-9' }), aborted.signal)).rejects.toBeInstanceOf(RenderSkipped);
  });

  it('matches If-None-Match by weak comparison, in lists and for *', () => {
    const etag = '"abc"';
    for (const header of ['"abc"', 'W/"abc"', '"x", "abc"', '"x",W/"abc"', '*']) expect(matchesEtag(header, etag), header).toBe(true);
    for (const header of [undefined, '', '"abcd"', 'abc', '"ABC"']) expect(matchesEtag(header, etag), String(header)).toBe(false);
  });
});
