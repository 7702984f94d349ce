/**
 * pdfkit reads and parses a standard font's metrics (its AFM file, 60–80 KB of text) each time a
 * document opens the font: twice per invoice (Helvetica, Helvetica-Bold), which was about half the
 * CPU of drawing one. The metrics never change, so they are parsed once per process: the first
 * document opens each font as usual, and every later one gets a font object of its own (the id and
 * the PDF object belong to a document) over the same parsed, read-only metrics.
 *
 * This reaches into pdfkit 0.17's internals (`_font`, `_fontFamilies`, `_fontCount` and the fields
 * of its StandardFont); the PDF tests read the fonts back and would fail on an upgrade that changes
 * them.
 */
interface FontsOfDocument {
  _font: object;
  _fontFamilies: Record<string, object>;
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
      fonts._fontFamilies[name] = Object.assign(Object.create(shared.prototype) as object, shared.fields, { document: doc, id: `F${fonts._fontCount}` });
      continue;
    }
    doc.font(name);
    const { document: _document, id: _id, ...fields } = fonts._font as Record<string, unknown>;
    parsed.set(name, { prototype: Object.getPrototypeOf(fonts._font) as object, fields });
  }
  doc.font(names[0]);
}
