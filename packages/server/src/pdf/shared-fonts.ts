/**
 * Fonts parsed once per process and shared by every invoice PDF. pdfkit parses a font each time a
 * document opens it: a standard font's metrics (its AFM file, 60–80 KB of text; Helvetica and
 * Helvetica-Bold were about half the CPU of an invoice) and an embedded font's file (fontkit
 * decodes its cmap, GSUB/GPOS and CFF tables again for each document: a Japanese invoice took
 * about 190 ms). Neither changes once parsed: the first document opens each font as usual, and
 * every later one gets a pdfkit font object of its own (the id, the PDF objects and the subset
 * belong to a document) over the same parsed font.
 *
 * This reaches into pdfkit 0.17's internals (`_font`, `_fontFamilies`, `_fontCount`, the fields of
 * its StandardFont and the constructor of its EmbeddedFont); the PDF tests read the fonts back and
 * would fail on an upgrade that changes them.
 */
import type * as fontkit from 'fontkit';

interface FontsOfDocument {
  _font: { font?: unknown };
  _fontFamilies: Record<string, { font?: unknown }>;
  _fontCount: number;
}

/** A StandardFont's prototype and own fields as constructed, less the document and id. */
const parsed = new Map<string, { prototype: object; fields: Record<string, unknown> }>();

/**
 * Opens the standard fonts `names`, in that order (ids F1, F2, … as pdfkit would give them), for
 * `doc`, which must have been created with `font: ''` (no default font, not parsed again), and
 * leaves the first one current.
 */
export function openStandardFonts(doc: PDFKit.PDFDocument, names: readonly [string, ...string[]]): void {
  const fonts = doc as unknown as FontsOfDocument;
  for (const name of names) {
    const shared = parsed.get(name);
    if (shared) {
      fonts._fontCount += 1;
      fonts._fontFamilies[name] = Object.assign(Object.create(shared.prototype) as { font?: unknown }, shared.fields, { document: doc, id: `F${fonts._fontCount}` });
      continue;
    }
    doc.font(name);
    const { document: _document, id: _id, ...fields } = fonts._font as unknown as Record<string, unknown>;
    parsed.set(name, { prototype: Object.getPrototypeOf(fonts._font) as object, fields });
  }
  doc.font(names[0]);
}

type EmbeddedFontClass = new (document: PDFKit.PDFDocument, font: fontkit.Font, id: string) => { font: unknown };
let EmbeddedFont: EmbeddedFontClass | undefined;
const embedded = new Map<Buffer, fontkit.Font>();

/**
 * Makes `name` a font of `doc` for the font file `buffer` (always the same Buffer for one file),
 * parsed by the first document and shared after that. `open` is pdfkit's own `doc.font`.
 */
export function openEmbeddedFont(doc: PDFKit.PDFDocument, open: (name: string) => unknown, name: string, buffer: Buffer): void {
  const fonts = doc as unknown as FontsOfDocument;
  const font = embedded.get(buffer);
  if (!font || !EmbeddedFont) {
    doc.registerFont(name, buffer);
    open(name);
    embedded.set(buffer, fonts._font.font as fontkit.Font);
    EmbeddedFont ??= fonts._font.constructor as EmbeddedFontClass;
    return;
  }
  // One font object per file and document, as pdfkit keeps it (two names for one file share it).
  const opened = fonts._fontFamilies[font.postscriptName];
  if (opened?.font === font) {
    fonts._fontFamilies[name] = opened;
  } else {
    fonts._fontCount += 1;
    fonts._fontFamilies[name] = fonts._fontFamilies[font.postscriptName] = new EmbeddedFont(doc, font, `F${fonts._fontCount}`);
  }
  open(name);
}
