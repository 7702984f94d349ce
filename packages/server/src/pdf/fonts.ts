/**
 * The fonts an invoice PDF embeds when its text does not fit Helvetica's Windows-1252: Noto Sans
 * (Latin, Greek, Cyrillic, Vietnamese), Noto Sans JP / KR / SC (Hans) for CJK, Noto Naskh Arabic
 * and Noto Sans Hebrew. They ship with the server as npm dependencies (`@embedpdf/fonts-*`, SIL
 * Open Font License 1.1), so nothing is looked up on the host or fetched at run time; pdfkit
 * embeds only the glyphs a document uses (a subset), so a Japanese invoice stays small.
 *
 * Each string printed picks one font that covers all of it, preferring the customer's script
 * (kana → JP, Hangul → KR, a `ja`/`ko`/`zh` locale for Han, else SC); a string no single font
 * covers (an Arabic product name with a Latin word) is printed as runs, one font each. The layout
 * code keeps calling `doc.font(regular | bold)` and `doc.text(…)`: `embedFonts` makes those
 * names pick the face per string. `DODO_PORTAL_PDF_FONT` (and `…_BOLD`) put a font of your own
 * first in the chain.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as fontkit from 'fontkit';
import { openEmbeddedFont } from './shared-fonts.ts';

const require = createRequire(import.meta.url);

type Weight = 'regular' | 'bold';
type Script = 'latin' | 'ja' | 'ko' | 'zh' | 'arabic' | 'hebrew' | 'custom';

interface Face {
  script: Script;
  files: Record<Weight, string>;
}

/** A file of a font package (they export only their index, in `dist/`; the fonts sit beside it). */
const packaged = (pkg: string, regular: string, bold: string): Record<Weight, string> => {
  const dir = join(dirname(require.resolve(pkg)), '..', 'fonts');
  return { regular: join(dir, regular), bold: join(dir, bold) };
};

let shipped: Face[] | undefined;
function shippedFaces(): Face[] {
  shipped ??= [
    { script: 'latin', files: packaged('@embedpdf/fonts-latin', 'NotoSans-Regular.ttf', 'NotoSans-Bold.ttf') },
    { script: 'ja', files: packaged('@embedpdf/fonts-jp', 'NotoSansJP-Regular.otf', 'NotoSansJP-Bold.otf') },
    { script: 'ko', files: packaged('@embedpdf/fonts-kr', 'NotoSansKR-Regular.otf', 'NotoSansKR-Bold.otf') },
    { script: 'zh', files: packaged('@embedpdf/fonts-sc', 'NotoSansHans-Regular.otf', 'NotoSansHans-Bold.otf') },
    { script: 'arabic', files: packaged('@embedpdf/fonts-arabic', 'NotoNaskhArabic-Regular.ttf', 'NotoNaskhArabic-Bold.ttf') },
    { script: 'hebrew', files: packaged('@embedpdf/fonts-hebrew', 'NotoSansHebrew-Regular.ttf', 'NotoSansHebrew-Bold.ttf') },
  ];
  return shipped;
}

function faces(): Face[] {
  const custom = process.env.DODO_PORTAL_PDF_FONT;
  const own: Face[] = custom ? [{ script: 'custom', files: { regular: custom, bold: process.env.DODO_PORTAL_PDF_FONT_BOLD ?? custom } }] : [];
  return [...own, ...shippedFaces()];
}

// Files are read once per process (CJK fonts are megabytes) and parsed once (shared-fonts.ts).
const buffers = new Map<string, Buffer>();
const coverage = new Map<string, fontkit.Font>();
const bufferOf = (file: string): Buffer => {
  let buffer = buffers.get(file);
  if (!buffer) buffers.set(file, (buffer = readFileSync(file)));
  return buffer;
};
/** Whether `face` has a glyph for every character of `text` (coverage is read from the regular weight). */
function covers(face: Face, text: string): boolean {
  let font = coverage.get(face.files.regular);
  if (!font) {
    font = fontkit.create(bufferOf(face.files.regular)) as fontkit.Font;
    coverage.set(face.files.regular, font);
  }
  for (const char of text) {
    const code = char.codePointAt(0)!;
    // Controls and format characters (bidi marks, ZWJ) print as nothing in any font.
    if (code < 0x20 || /\p{Cf}/u.test(char)) continue;
    if (!font.hasGlyphForCodePoint(code)) return false;
  }
  return true;
}

const RTL = new Set<Script>(['arabic', 'hebrew']);
const KANA = /[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]/;
const HANGUL = /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]/;
const CJK_ORDER: Record<'ja' | 'ko' | 'zh', Script[]> = { ja: ['ja', 'zh', 'ko'], ko: ['ko', 'zh', 'ja'], zh: ['zh', 'ja', 'ko'] };

/** The faces in the order `text` prefers them: Latin first, the CJK font of its script or the customer's language. */
function preferred(text: string, language: string): Face[] {
  const all = faces();
  const cjk = KANA.test(text) ? 'ja' : HANGUL.test(text) ? 'ko' : language === 'ja' || language === 'ko' || language === 'zh' ? language : 'zh';
  const rank = (face: Face) => (face.script === 'custom' ? -1 : face.script === 'latin' ? 0 : CJK_ORDER[cjk].includes(face.script) ? 1 + CJK_ORDER[cjk].indexOf(face.script) : 10);
  return [...all].sort((a, b) => rank(a) - rank(b));
}

interface Run {
  face: Face;
  text: string;
}

/** `text` as runs of one face each: one run whenever a single face covers it all. */
export function fontRuns(text: string, locale: string): Run[] {
  const order = preferred(text, locale.toLowerCase().split('-')[0] ?? '');
  const whole = order.find((face) => covers(face, text));
  if (whole) return [{ face: whole, text }];
  const runs: Run[] = [];
  for (const char of text) {
    const current = runs.at(-1);
    // Spaces, digits and punctuation stay with the run they are in (keeps an Arabic phrase whole).
    if (current && !/[\p{L}\p{M}]/u.test(char) && covers(current.face, char)) {
      current.text += char;
      continue;
    }
    const face = order.find((candidate) => covers(candidate, char)) ?? order[0]!;
    if (current && current.face === face) current.text += char;
    else runs.push({ face, text: char });
  }
  // A right-to-left run is drawn reversed: its trailing space would land before it, not after.
  for (let index = 0; index < runs.length - 1; index += 1) {
    const run = runs[index]!;
    const space = /\s+$/.exec(run.text)?.[0];
    if (space && RTL.has(run.face.script) && space.length < run.text.length) {
      run.text = run.text.slice(0, -space.length);
      runs[index + 1]!.text = space + runs[index + 1]!.text;
    }
  }
  return runs;
}

/** The names the layout code passes to `doc.font()` for the embedded fonts. */
export const EMBEDDED = { regular: 'dodo-regular', bold: 'dodo-bold' } as const;

/**
 * Makes `EMBEDDED.regular` / `EMBEDDED.bold` usable as fonts on `doc`: each `text`,
 * `heightOfString` and `widthOfString` call then picks the face for its string (registered with
 * pdfkit on first use, so a document embeds only the faces it prints with).
 */
export function embedFonts(doc: PDFKit.PDFDocument, locale: string): typeof EMBEDDED {
  const font = doc.font.bind(doc) as (name: string) => PDFKit.PDFDocument;
  const text = doc.text.bind(doc) as (...args: unknown[]) => PDFKit.PDFDocument;
  const heightOfString = doc.heightOfString.bind(doc);
  const widthOfString = doc.widthOfString.bind(doc);
  const registered = new Set<string>();
  let weight: Weight | null = null;
  // pdfkit measures words with `widthOfString` while it lays out a string: inside our own calls
  // those measurements must not pick a face of their own.
  let busy = false;
  const once = <T>(run: () => T): T => {
    busy = true;
    try {
      return run();
    } finally {
      busy = false;
    }
  };

  const use = (face: Face) => {
    const name = `${face.script}-${weight}`;
    if (!registered.has(name)) {
      openEmbeddedFont(doc, font, name, bufferOf(face.files[weight!]));
      registered.add(name);
    }
    font(name);
  };

  // Non-embedded names (Helvetica) go to pdfkit's own `font`.
  doc.font = ((name: string, ...rest: unknown[]) => {
    if (name === EMBEDDED.regular || name === EMBEDDED.bold) {
      weight = name === EMBEDDED.bold ? 'bold' : 'regular';
      use(shippedFaces()[0]!);
      if (typeof rest[0] === 'number') doc.fontSize(rest[0]);
      return doc;
    }
    weight = null;
    return (font as (...args: unknown[]) => PDFKit.PDFDocument)(name, ...rest);
  }) as typeof doc.font;

  doc.text = ((value: unknown, ...rest: unknown[]) => {
    if (weight === null || busy || typeof value !== 'string') return text(value, ...rest);
    const runs = fontRuns(value, locale);
    if (runs.length === 1) {
      use(runs[0]!.face);
      return once(() => text(value, ...rest));
    }
    // Mixed scripts: the runs side by side on one line when they fit (placed by measuring, so
    // right and centred alignment hold), else as continued fragments of one wrapping paragraph.
    const position = typeof rest[0] === 'number' ? rest.slice(0, 2) : [];
    const options = ((typeof rest[0] === 'number' ? rest[2] : rest[0]) ?? {}) as PDFKit.Mixins.TextOptions;
    const [x = doc.x, y = doc.y] = position as number[];
    const widths = runs.map((run) => {
      use(run.face);
      return once(() => widthOfString(run.text, options));
    });
    const total = widths.reduce((sum, width) => sum + width, 0);
    const box = options.width ?? doc.page.width - doc.page.margins.right - x;
    if (total <= box && !options.continued) {
      let left = options.align === 'right' ? x + box - total : options.align === 'center' ? x + (box - total) / 2 : x;
      let height = 0;
      runs.forEach((run, index) => {
        use(run.face);
        height = Math.max(height, doc.currentLineHeight(true));
        once(() => text(run.text, left, y, { ...options, width: widths[index]! + 1, align: 'left', lineBreak: false }));
        left += widths[index]!;
      });
      doc.x = x;
      doc.y = y + height + (options.lineGap ?? 0);
      return doc;
    }
    runs.forEach((run, index) => {
      use(run.face);
      const fragment = { ...options, continued: index < runs.length - 1 ? true : (options.continued ?? false) };
      once(() => (index === 0 ? text(run.text, ...position, fragment) : text(run.text, fragment)));
    });
    return doc;
  }) as typeof doc.text;

  doc.heightOfString = ((value: string, options?: PDFKit.Mixins.TextOptions) => {
    if (weight === null || busy) return heightOfString(value, options);
    use(fontRuns(value, locale)[0]!.face);
    return once(() => heightOfString(value, options));
  }) as typeof doc.heightOfString;

  doc.widthOfString = ((value: string, options?: PDFKit.Mixins.TextOptions) => {
    if (weight === null || busy) return widthOfString(value, options);
    return fontRuns(value, locale).reduce((sum, run) => {
      use(run.face);
      return sum + once(() => widthOfString(run.text, options));
    }, 0);
  }) as typeof doc.widthOfString;

  return EMBEDDED;
}
