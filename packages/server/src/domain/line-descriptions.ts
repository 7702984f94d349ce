/**
 * The invoice-line descriptions the server writes itself ("Unused time on Pro"), per language.
 * A line is stored with its message id and parameters beside the English `description`, and
 * rendered in the reader's language where it is shown: the portal API, the PDF, the emails.
 * Merchant-written descriptions have no id and print as written.
 *
 * Parameters are the names the customer already knows (product names, `Pro × 2`); `null` stands
 * for "no plan" and is printed as the language's word for none.
 */

export type LineParams = Record<string, string | null>;

export interface DescribedLine {
  /** The English text, kept for readers without a language and for merchant tools. */
  description: string;
  description_key?: string | undefined;
  description_params?: LineParams | undefined;
}

type Template = (params: LineParams, none: string) => string;

interface Catalogue {
  none: string;
  messages: Record<LineMessage, Template>;
}

export type LineMessage =
  'proration.unused' | 'proration.remaining' | 'proration.new_period' | 'proration.difference' | 'subscription.first_period' | 'subscription.renewal' | 'credit.applied';

const p = (params: LineParams, name: string, none: string): string => params[name] ?? none;

const en: Catalogue = {
  none: 'none',
  messages: {
    'proration.unused': (v, n) => `Unused time on ${p(v, 'item', n)}`,
    'proration.remaining': (v, n) => `Remaining time on ${p(v, 'item', n)}`,
    'proration.new_period': (v, n) => `${p(v, 'item', n)} (new period)`,
    'proration.difference': (v, n) => `Price difference: ${p(v, 'from', n)} → ${p(v, 'to', n)}`,
    'subscription.first_period': (v, n) => `${p(v, 'product', n)}: first period`,
    'subscription.renewal': (v, n) => `${p(v, 'product', n)}: renewal`,
    'credit.applied': () => 'Credit applied',
  },
};

const catalogues: Record<string, Catalogue> = {
  en,
  de: {
    none: 'keiner',
    messages: {
      'proration.unused': (v, n) => `Nicht genutzte Zeit für ${p(v, 'item', n)}`,
      'proration.remaining': (v, n) => `Verbleibende Zeit für ${p(v, 'item', n)}`,
      'proration.new_period': (v, n) => `${p(v, 'item', n)} (neuer Zeitraum)`,
      'proration.difference': (v, n) => `Preisdifferenz: ${p(v, 'from', n)} → ${p(v, 'to', n)}`,
      'subscription.first_period': (v, n) => `${p(v, 'product', n)}: erster Zeitraum`,
      'subscription.renewal': (v, n) => `${p(v, 'product', n)}: Verlängerung`,
      'credit.applied': () => 'Angerechnetes Guthaben',
    },
  },
  sv: {
    none: 'ingen',
    messages: {
      'proration.unused': (v, n) => `Outnyttjad tid för ${p(v, 'item', n)}`,
      'proration.remaining': (v, n) => `Återstående tid för ${p(v, 'item', n)}`,
      'proration.new_period': (v, n) => `${p(v, 'item', n)} (ny period)`,
      'proration.difference': (v, n) => `Prisskillnad: ${p(v, 'from', n)} → ${p(v, 'to', n)}`,
      'subscription.first_period': (v, n) => `${p(v, 'product', n)}: första perioden`,
      'subscription.renewal': (v, n) => `${p(v, 'product', n)}: förnyelse`,
      'credit.applied': () => 'Tillgodohavande använt',
    },
  },
  fr: {
    none: 'aucun',
    messages: {
      'proration.unused': (v, n) => `Temps non utilisé sur ${p(v, 'item', n)}`,
      'proration.remaining': (v, n) => `Temps restant sur ${p(v, 'item', n)}`,
      'proration.new_period': (v, n) => `${p(v, 'item', n)} (nouvelle période)`,
      'proration.difference': (v, n) => `Différence de prix : ${p(v, 'from', n)} → ${p(v, 'to', n)}`,
      'subscription.first_period': (v, n) => `${p(v, 'product', n)} : première période`,
      'subscription.renewal': (v, n) => `${p(v, 'product', n)} : renouvellement`,
      'credit.applied': () => 'Crédit appliqué',
    },
  },
  es: {
    none: 'ninguno',
    messages: {
      'proration.unused': (v, n) => `Tiempo no utilizado de ${p(v, 'item', n)}`,
      'proration.remaining': (v, n) => `Tiempo restante de ${p(v, 'item', n)}`,
      'proration.new_period': (v, n) => `${p(v, 'item', n)} (nuevo periodo)`,
      'proration.difference': (v, n) => `Diferencia de precio: ${p(v, 'from', n)} → ${p(v, 'to', n)}`,
      'subscription.first_period': (v, n) => `${p(v, 'product', n)}: primer periodo`,
      'subscription.renewal': (v, n) => `${p(v, 'product', n)}: renovación`,
      'credit.applied': () => 'Crédito aplicado',
    },
  },
};

/** The languages line descriptions are written in (others read English). */
export const LINE_LANGUAGES = Object.keys(catalogues);

const languageOf = (locale: string): string => locale.toLowerCase().split('-')[0] ?? 'en';

/** A server-written line: its English text plus the id and parameters to translate it later. */
export function lineText(key: LineMessage, params: LineParams = {}): Required<DescribedLine> {
  return { description: en.messages[key](params, en.none), description_key: key, description_params: params };
}

/** The line's description in `locale`'s language; unknown ids and languages keep the stored text. */
export function describeLine(line: DescribedLine, locale: string): string {
  const key = line.description_key as LineMessage | undefined;
  const catalogue = catalogues[languageOf(locale)];
  const template = key && catalogue?.messages[key];
  return template ? template(line.description_params ?? {}, catalogue.none) : line.description;
}

/** `lines` with each description rendered in `locale` (ids and parameters kept for other readers). */
export function localizeLines<L extends DescribedLine>(lines: readonly L[], locale: string): L[] {
  return lines.map((line) => (line.description_key ? { ...line, description: describeLine(line, locale) } : line));
}

/** `invoice` with its lines' descriptions in `locale`. */
export function localizeInvoice<I extends { line_items: readonly DescribedLine[] }>(invoice: I, locale: string): I {
  return { ...invoice, line_items: localizeLines(invoice.line_items, locale) };
}

/** The supported language a reader asked for in `Accept-Language` (by its order and q), if any. */
export function acceptedLineLanguage(header: string | undefined | null): string | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...rest] = part.trim().split(';');
      const q = rest.map((value) => value.trim()).find((value) => value.startsWith('q='));
      return { tag: tag.trim(), q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((entry) => entry.tag && entry.tag !== '*' && Number.isFinite(entry.q) && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked.find((entry) => catalogues[languageOf(entry.tag)])?.tag;
}
