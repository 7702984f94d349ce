// Build-time minification of Lit `html`…`` / `svg`…`` templates in our own sources.
//
// esbuild minifies JavaScript but leaves template literal text as written, so every template
// ships its indentation. This collapses the whitespace of a template's static parts the way the
// browser's HTML parser would treat it anyway:
// - between a tag's attributes: one space; none before `>` or around `=`;
// - in text (also whitespace-only text between tags): a run of whitespace becomes one space, so
//   inline layout ("a <b>b</b>") and words beside `${…}` keep their spaces;
// - never inside quoted attribute values, comments, or the content of <pre>, <textarea>,
//   <script>, <style> and <title>.
// Bindings are untouched: the parts between `${…}` are processed as one string joined by a
// placeholder, so `.prop=${…}`, `?attr=${…}`, `@event=${…}` and `<div ${ref(…)}>` keep the
// attribute name, the `=` and the space that separates them from the previous attribute.
// Templates given straight to `msg()` are skipped: lit-localize derives ids from their text.

import { applyReplacements, walk } from './transform-utils.mjs';

const PLACEHOLDER = '\u0000';
const RAW_TEXT = new Set(['pre', 'textarea', 'script', 'style', 'title', 'listing', 'plaintext', 'xmp']);
const isSpace = (c) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f';
const isTagStart = (s, i) => s[i] === '<' && /[a-zA-Z/]/.test(s[i + 1] ?? '');

/**
 * Minifies the raw static strings of one HTML template literal. Returns strings of the same
 * number (one more than the template's expressions).
 * @param {readonly string[]} strings raw text of the template's quasis
 * @returns {string[]}
 */
export function minifyHtmlStrings(strings) {
  if (strings.some((part) => part.includes(PLACEHOLDER))) return [...strings];
  const s = strings.join(PLACEHOLDER);
  let out = '';
  let i = 0;
  /** Copies `s` verbatim up to (excluding) `end`. */
  const copyTo = (end) => {
    out += s.slice(i, end);
    i = end;
  };
  const endOfSpace = (from) => {
    let j = from;
    while (j < s.length && isSpace(s[j])) j++;
    return j;
  };

  while (i < s.length) {
    const c = s[i];
    if (c === '\\') {
      copyTo(Math.min(i + 2, s.length));
    } else if (s.startsWith('<!--', i)) {
      const end = s.indexOf('-->', i + 4);
      copyTo(end === -1 ? s.length : end + 3);
    } else if (isTagStart(s, i)) {
      i = tag(i);
    } else if (isSpace(c)) {
      const j = endOfSpace(i);
      out += ' ';
      i = j;
    } else {
      out += c;
      i++;
    }
  }
  const result = out.split(PLACEHOLDER);
  if (result.length !== strings.length) throw new Error('minifyHtmlStrings: lost a binding');
  return result;

  /** Processes a start or end tag at `start` (a `<`); returns the index after it (and after raw text content). */
  function tag(start) {
    i = start + 1;
    const closing = s[i] === '/';
    if (closing) i++;
    let nameEnd = i;
    while (nameEnd < s.length && !isSpace(s[nameEnd]) && s[nameEnd] !== '>' && s[nameEnd] !== '/' && s[nameEnd] !== PLACEHOLDER) nameEnd++;
    const name = s.slice(i, nameEnd).toLowerCase();
    out += s.slice(start, nameEnd);
    i = nameEnd;
    while (i < s.length) {
      const c = s[i];
      if (c === '"' || c === "'") {
        const end = s.indexOf(c, i + 1);
        copyTo(end === -1 ? s.length : end + 1);
      } else if (isSpace(c)) {
        const j = endOfSpace(i);
        const next = s[j];
        // Keep one space before `/>` too: in `<input value=a />` it ends an unquoted value.
        if (!(next === '>' || next === '=' || out.endsWith('=')) || next === undefined) out += ' ';
        i = j;
      } else if (c === '>') {
        out += c;
        i++;
        if (!closing && RAW_TEXT.has(name)) {
          const close = s.toLowerCase().indexOf(`</${name}`, i);
          copyTo(close === -1 ? s.length : close);
        }
        return i;
      } else {
        out += c;
        i++;
      }
    }
    return i;
  }
}

/**
 * Vite plugin: minifies `html` and `svg` templates in the (already transpiled) modules whose id
 * passes `include`.
 * @param {{ include: (id: string) => boolean }} options
 * @returns {import('vite').Plugin}
 */
export function minifyHtmlTemplates({ include }) {
  return {
    name: 'dodo:minify-html-templates',
    apply: 'build',
    // After Vite's esbuild step, so the module is plain JavaScript for the parser.
    enforce: 'post',
    transform(code, id) {
      if (!include(id) || !(code.includes('html`') || code.includes('svg`'))) return null;
      const ast = this.parse(code);
      const replacements = [];
      walk(ast, null, (node, parent) => {
        if (node.type !== 'TaggedTemplateExpression' || node.tag.type !== 'Identifier') return;
        if (node.tag.name !== 'html' && node.tag.name !== 'svg') return;
        if (parent?.type === 'CallExpression' && parent.callee.type === 'Identifier' && parent.callee.name === 'msg') return;
        const quasis = node.quasi.quasis;
        const minified = minifyHtmlStrings(quasis.map((quasi) => code.slice(quasi.start, quasi.end)));
        quasis.forEach((quasi, index) => {
          if (minified[index] !== code.slice(quasi.start, quasi.end)) replacements.push([quasi.start, quasi.end, minified[index]]);
        });
      });
      if (replacements.length === 0) return null;
      return applyReplacements(code, replacements, id);
    },
  };
}
