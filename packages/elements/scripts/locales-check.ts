/**
 * Fails when a locale catalogue is out of step with the source. It reads every `msg()` call in
 * src/ (its `id`, and its English text with `${0}`… for the expressions of a `str`/`html`
 * template), loads every catalogue in src/localization/locales/, and lists:
 *   - ids used in the source but missing from a locale;
 *   - keys in a locale that no source uses any more (stale);
 *   - placeholder mismatches (a `${n}` missing, extra or repeated; a plain string for a template);
 *   - values identical to the English for strings of three words or more (suspected untranslated);
 *   - `msg()` calls without a literal text or an `id`, and one id used for two different texts;
 *   - ids whose English changed since they were translated (against locales/translated-from.json).
 * Usage: pnpm --filter @dodo-portal/elements check:locales   (tsx scripts/locales-check.ts)
 *        add `--todo` to print the English of every missing id, per locale, to translate;
 *        `--accept` records the current English of every id all locales have as translated.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(packageDir, 'src');
const localesDir = join(srcDir, 'localization/locales');

/** Same text in every language: product words a translator keeps. Exact values, not ids. */
const SAME_EVERYWHERE = new Set<string>(['PDF', 'OK', 'E-mail', 'Status', 'Plan']);

interface SourceMessage {
  id: string;
  text: string;
  placeholders: number;
  where: string;
}

const problems: string[] = [];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === localesDir ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** `str\`Return to ${name}\`` → `Return to ${0}` and 1 placeholder. */
function templateText(template: ts.TemplateLiteral): { text: string; placeholders: number } {
  if (ts.isNoSubstitutionTemplateLiteral(template)) return { text: template.text, placeholders: 0 };
  let text = template.head.text;
  template.templateSpans.forEach((span, index) => (text += `\${${index}}${span.literal.text}`));
  return { text, placeholders: template.templateSpans.length };
}

function messagesIn(file: string): SourceMessage[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const found: SourceMessage[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'msg') {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart());
      const where = `${relative(packageDir, file)}:${line + 1}`;
      const [template, options] = node.arguments;
      let message: { text: string; placeholders: number } | undefined;
      if (template && (ts.isStringLiteral(template) || ts.isNoSubstitutionTemplateLiteral(template))) {
        message = { text: template.text, placeholders: 0 };
      } else if (template && ts.isTaggedTemplateExpression(template) && ts.isIdentifier(template.tag) && ['str', 'html'].includes(template.tag.text)) {
        message = templateText(template.template);
      }
      const idProperty =
        options && ts.isObjectLiteralExpression(options)
          ? options.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText(source) === 'id')
          : undefined;
      const id = idProperty && ts.isStringLiteralLike(idProperty.initializer) ? idProperty.initializer.text : undefined;
      if (!message) problems.push(`${where}: msg() needs a string, str\`…\` or html\`…\` literal as its text`);
      else if (!id) problems.push(`${where}: msg() needs a literal { id: '…' }`);
      else found.push({ id, ...message, where });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const messages = new Map<string, SourceMessage>();
for (const file of sourceFiles(srcDir)) {
  for (const message of messagesIn(file)) {
    const seen = messages.get(message.id);
    if (seen && seen.text !== message.text) {
      problems.push(`${message.where}: id "${message.id}" is also used for different text at ${seen.where}`);
    } else if (!seen) messages.set(message.id, message);
  }
}

type Translation = string | { strings: readonly string[]; values: readonly unknown[] };

/** A catalogue value as text with `${n}`, and the source expressions it uses. */
function translationText(value: Translation): { text: string; indices: number[] } | undefined {
  if (typeof value === 'string') return { text: value, indices: [] };
  if (!value || !Array.isArray(value.strings) || !Array.isArray(value.values)) return undefined;
  const indices = value.values.map(Number);
  return { text: value.strings.reduce((text, part, i) => (i === 0 ? part : `${text}\${${indices[i - 1]}}${part}`), ''), indices };
}

/** Ids some catalogue lacks: not yet translated everywhere, so `--accept` leaves them out. */
const incomplete = new Set<string>();

const { targetLocales } = (await import(pathToFileURL(join(srcDir, 'localization/locales.ts')).href)) as { targetLocales: readonly string[] };
const files = readdirSync(localesDir)
  .filter((name) => name.endsWith('.ts'))
  .map((name) => name.slice(0, -3));
for (const locale of files.filter((name) => !targetLocales.includes(name))) {
  problems.push(`locales/${locale}.ts exists but "${locale}" is not in targetLocales (src/localization/locales.ts)`);
}

for (const locale of targetLocales) {
  if (!files.includes(locale)) {
    problems.push(`${locale}: no catalogue (src/localization/locales/${locale}.ts)`);
    continue;
  }
  const { templates } = (await import(pathToFileURL(join(localesDir, `${locale}.ts`)).href)) as { templates: Record<string, Translation> };
  const missing = [...messages.keys()].filter((id) => !(id in templates));
  for (const id of missing) incomplete.add(id);
  const stale = Object.keys(templates).filter((id) => !messages.has(id));
  if (missing.length) problems.push(`${locale}: ${missing.length} missing: ${missing.join(', ')}`);
  // `--todo`: the English of every missing id, ready to translate into the catalogue.
  if (missing.length && process.argv.includes('--todo')) {
    console.log(`// ${locale}: missing\n${missing.map((id) => `  '${id}': ${JSON.stringify(messages.get(id)!.text)},`).join('\n')}`);
  }
  if (stale.length) problems.push(`${locale}: ${stale.length} stale (no msg() uses them): ${stale.join(', ')}`);
  for (const [id, value] of Object.entries(templates)) {
    const source = messages.get(id);
    if (!source) continue;
    const translation = translationText(value);
    if (!translation) {
      problems.push(`${locale}: "${id}" is neither a string nor a str\`…\` template`);
      continue;
    }
    const expected = Array.from({ length: source.placeholders }, (_, i) => i);
    const used = [...translation.indices].sort((a, b) => a - b);
    if (typeof value === 'string' && source.placeholders > 0) {
      problems.push(`${locale}: "${id}" must be a str\`…\` template using ${expected.map((i) => `\${${i}}`).join(' ')} (source: ${JSON.stringify(source.text)})`);
    } else if (typeof value !== 'string' && source.placeholders === 0) {
      problems.push(`${locale}: "${id}" is a template but the source has no expressions`);
    } else if (used.join() !== expected.join()) {
      problems.push(`${locale}: "${id}" uses placeholders ${JSON.stringify(used)}, the source has ${JSON.stringify(expected)}`);
    }
    const words = source.text.trim().split(/\s+/).length;
    if (translation.text === source.text && words >= 3 && !SAME_EVERYWHERE.has(source.text)) {
      problems.push(`${locale}: "${id}" is the English text (untranslated?): ${JSON.stringify(source.text)}`);
    }
  }
}

// The English each translation was made from: a changed source text means stale translations,
// which the id alone cannot reveal. `--accept` records the current text once every catalogue has it.
const snapshotFile = join(localesDir, 'translated-from.json');
const snapshot = (existsSync(snapshotFile) ? JSON.parse(readFileSync(snapshotFile, 'utf8')) : {}) as Record<string, string>;
if (process.argv.includes('--accept')) {
  const everywhere = [...messages.values()].filter((message) => !incomplete.has(message.id));
  const accepted = Object.fromEntries(everywhere.map((message) => [message.id, message.text]).sort(([a], [b]) => a!.localeCompare(b!)));
  writeFileSync(snapshotFile, `${JSON.stringify(accepted, null, 2)}\n`);
  console.log(`locales check: recorded the English of ${everywhere.length} translated ids in ${relative(packageDir, snapshotFile)}`);
} else {
  for (const message of messages.values()) {
    const was = snapshot[message.id];
    if (was !== undefined && was !== message.text) {
      problems.push(
        `"${message.id}" changed in English since it was translated: ${JSON.stringify(was)} → ${JSON.stringify(message.text)} (update ${targetLocales.join('/')}, then run with --accept)`,
      );
    }
  }
}

if (problems.length > 0) {
  console.error(`locales check failed (${problems.length}):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`locales check: ${messages.size} messages, translated in ${targetLocales.join(', ')}; no stale keys, placeholders match`);
