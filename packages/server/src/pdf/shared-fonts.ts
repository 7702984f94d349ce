/**
 * Fonts parsed once per process and shared by every invoice PDF. pdfkit parses a font each time a
 * document opens it: a standard font's metrics (its AFM file, 60–80 KB of text; Helvetica and
 * Helvetica-Bold were about half the CPU of an invoice) and an embedded font's file (fontkit
 * decodes its cmap, GSUB/GPOS and CFF tables again for each document: a Japanese invoice took
 * about 190 ms). Neither changes once parsed: the first document opens each font as usual, and
 * every later one gets a pdfkit font object of its own (the id, the PDF objects and the subset
 * belong to a document) over the same parsed font. An embedded font's shaped words and encoded
 * subsets are shared too (`share`): the same output, computed once.
 *
 * This reaches into pdfkit 0.17's internals (`_font`, `_fontFamilies`, `_fontCount`, the fields of
 * its StandardFont, the constructor, `layoutCached` and `subset` of its EmbeddedFont); the PDF tests read the fonts back and
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

/** The metrics pdfkit parses from a standard font's AFM file (pdfkit 0.17's AFMFont). */
interface AfmFont {
  kernPairs: Record<string, number>;
  getKernPair(left: string, right: string | undefined): number;
}

/**
 * pdfkit looks a kerning pair up by a string it builds for every pair of letters it measures or
 * draws (`left + '\0' + right`) in an object of some 2,700 pairs: an eighth of a Helvetica
 * invoice's render. The same pairs, looked up by glyph name in a map per left glyph, give the
 * same numbers.
 */
function fasterKerning(font: AfmFont): void {
  const pairs = new Map<string, Map<string, number>>();
  for (const [key, value] of Object.entries(font.kernPairs)) {
    const [left, right] = key.split('\0') as [string, string];
    let rights = pairs.get(left);
    if (!rights) pairs.set(left, (rights = new Map()));
    rights.set(right, value);
  }
  // pdfkit's own returns 0 for an unknown pair, and for one whose kerning is 0.
  font.getKernPair = (left, right) => (right === undefined ? undefined : pairs.get(left)?.get(right)) || 0;
}

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
    fasterKerning(fields.font as AfmFont);
    parsed.set(name, { prototype: Object.getPrototypeOf(fonts._font) as object, fields });
  }
  doc.font(names[0]);
}

/** What pdfkit's EmbeddedFont holds that is shared here (pdfkit 0.17). */
interface PdfkitEmbeddedFont {
  font: fontkit.Font;
  subset: { glyphs: number[]; encode(): Uint8Array };
  layoutRun(text: string): unknown;
  layoutCached(text: string): unknown;
}
type EmbeddedFontClass = new (document: PDFKit.PDFDocument, font: fontkit.Font, id: string) => PdfkitEmbeddedFont;
let EmbeddedFont: EmbeddedFontClass | undefined;
const embedded = new Map<Buffer, fontkit.Font>();

/**
 * Shaped words, per parsed font. pdfkit lays out each word once per document (fontkit's
 * GSUB/GPOS shaping, a third of a Japanese invoice's render) and keeps the run; a run depends only
 * on the font and the word, and pdfkit copies a position before changing it, so every document
 * shares one. Emptied past LAYOUT_LIMIT words (customer names and amounts are many).
 */
const layouts = new Map<fontkit.Font, Map<string, unknown>>();
const LAYOUT_LIMIT = 20_000;
/**
 * Encoded font subsets, per parsed font and glyph list (the glyphs in the order the document first
 * used them, which is what the subset's glyph ids are): the same bytes fontkit would encode
 * again. fontkit re-encodes a CFF font (Noto Sans JP / KR / SC) for every document, walking its
 * subroutines (about 10 ms of a Japanese invoice). A glyph list recurs when only what is drawn in
 * other faces or with glyphs used before changes (the CJK face of a Japanese invoice draws its
 * labels and dates; the name, email and amounts are in Noto Sans). At most SUBSET_LIMIT_BYTES
 * kept, least recently used out.
 */
const subsets = new Map<string, Uint8Array>();
const subsetIds = new Map<fontkit.Font, number>();
let subsetBytes = 0;
const SUBSET_LIMIT_BYTES = 16 * 1024 * 1024;

/** Makes `pdfFont` (one document's) use the shared layouts and subset encodings of its font. */
function share(pdfFont: PdfkitEmbeddedFont): void {
  const { font, subset } = pdfFont;
  let runs = layouts.get(font);
  if (!runs) layouts.set(font, (runs = new Map()));
  const shared = runs;
  pdfFont.layoutCached = (text) => {
    let run = shared.get(text);
    if (run === undefined) {
      if (shared.size >= LAYOUT_LIMIT) shared.clear();
      shared.set(text, (run = pdfFont.layoutRun(text)));
    }
    return run;
  };
  let fontId = subsetIds.get(font);
  if (fontId === undefined) subsetIds.set(font, (fontId = subsetIds.size));
  const encode = subset.encode.bind(subset);
  subset.encode = () => {
    const key = `${fontId}:${subset.glyphs.join(',')}`;
    let bytes = subsets.get(key);
    if (bytes) {
      subsets.delete(key);
    } else {
      bytes = encode();
      subsetBytes += bytes.length;
      for (const [oldKey, old] of subsets) {
        if (subsetBytes <= SUBSET_LIMIT_BYTES) break;
        subsets.delete(oldKey);
        subsetBytes -= old.length;
      }
    }
    subsets.set(key, bytes);
    return bytes;
  };
}

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
    const pdfFont = fonts._font as unknown as PdfkitEmbeddedFont;
    embedded.set(buffer, pdfFont.font);
    EmbeddedFont ??= pdfFont.constructor as EmbeddedFontClass;
    share(pdfFont);
    return;
  }
  // One font object per file and document, as pdfkit keeps it (two names for one file share it).
  const opened = fonts._fontFamilies[font.postscriptName];
  if (opened?.font === font) {
    fonts._fontFamilies[name] = opened;
  } else {
    fonts._fontCount += 1;
    const pdfFont = new EmbeddedFont(doc, font, `F${fonts._fontCount}`);
    share(pdfFont);
    fonts._fontFamilies[name] = fonts._fontFamilies[font.postscriptName] = pdfFont;
  }
  open(name);
}
