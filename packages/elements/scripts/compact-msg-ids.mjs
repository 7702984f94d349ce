// CDN build only: shorter message ids. The sources name every string with a readable `msg()` id
// ('subscriptions.cancel-scheduled'); the ids are only lookup keys between the script and the
// catalogues built beside it, so both get the same short ids instead (about 0.7 KB gzip).
//
// A short id is a prefix plus the id's index in the sorted list of every catalogue's ids. The
// prefix is a hash of that list: a script and a catalogue from builds with different id lists
// (one cached from an older deploy) then share no ids, and the page falls back to English
// instead of showing another string's translation.
import { readFileSync } from 'node:fs';
import { transformWithEsbuild } from 'vite';
import { applyReplacements, walk } from './transform-utils.mjs';

/** The `templates` object literal exported by a (transpiled) catalogue module. */
function templatesObject(ast) {
  for (const statement of ast.body) {
    if (statement.type !== 'ExportNamedDeclaration' || statement.declaration?.type !== 'VariableDeclaration') continue;
    for (const declarator of statement.declaration.declarations) {
      if (declarator.id.type === 'Identifier' && declarator.id.name === 'templates' && declarator.init?.type === 'ObjectExpression') return declarator.init;
    }
  }
  return undefined;
}

const keyOf = (property) =>
  property.type !== 'Property' || property.computed
    ? undefined
    : property.key.type === 'Identifier'
      ? property.key.name
      : typeof property.key.value === 'string'
        ? property.key.value
        : undefined;

/** FNV-1a, 32 bit. */
function hash(text) {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193) >>> 0;
  }
  return value;
}

/**
 * @param {{ catalogues: string[], include: (id: string) => boolean }} options catalogue module
 *   files (`export const templates = { id: … }`) and the modules whose `msg()` calls to rewrite
 * @returns {{ script: import('vite').Plugin, catalogue: () => import('vite').Plugin }}
 */
export function compactMsgIds({ catalogues, include }) {
  /** @type {Map<string, string> | undefined} */
  let shortIds;

  async function load(parse) {
    const ids = new Set();
    for (const file of catalogues) {
      const { code } = await transformWithEsbuild(readFileSync(file, 'utf8'), file, { loader: 'ts' });
      const object = templatesObject(parse(code));
      if (!object) throw new Error(`compact-msg-ids: ${file} exports no \`templates\` object literal`);
      for (const property of object.properties) {
        const key = keyOf(property);
        if (key === undefined) throw new Error(`compact-msg-ids: ${file} has a \`templates\` entry without a literal key`);
        ids.add(key);
      }
    }
    const sorted = [...ids].sort();
    // A letter, then a base-36 digit: never a number, and stable while the id list is.
    const digest = hash(sorted.join('\n'));
    const prefix = String.fromCharCode(97 + (digest % 26)) + Math.floor(digest / 26).toString(36).slice(-1);
    shortIds = new Map(sorted.map((id, index) => [id, prefix + index.toString(36)]));
    const shortForm = new RegExp(`^${prefix}[0-9a-z]+$`);
    const clash = sorted.find((id) => shortForm.test(id));
    if (clash) throw new Error(`compact-msg-ids: the id '${clash}' looks like a short id; rename it`);
  }

  /** @type {import('vite').Plugin} */
  const script = {
    name: 'dodo:compact-msg-ids',
    apply: 'build',
    enforce: 'post',
    async buildStart() {
      await load((code) => this.parse(code));
    },
    transform(code, id) {
      if (!include(id) || !code.includes('msg(')) return null;
      const replacements = [];
      walk(this.parse(code), null, (node) => {
        if (node.type !== 'CallExpression' || node.callee.type !== 'Identifier' || node.callee.name !== 'msg') return;
        const options = node.arguments[1];
        const idProperty = options?.type === 'ObjectExpression' ? options.properties.find((property) => keyOf(property) === 'id') : undefined;
        const value = idProperty?.value;
        if (!value || value.type !== 'Literal' || typeof value.value !== 'string') {
          // lit-localize would hash the template for an id, which the catalogues do not use.
          this.error(`compact-msg-ids: a msg() call in ${id} has no literal \`id\``, node.start);
        }
        const short = shortIds.get(value.value);
        // An id no catalogue has yet stays as written: it shows English in every language anyway.
        if (short) replacements.push([value.start, value.end, JSON.stringify(short)]);
      });
      return replacements.length === 0 ? null : applyReplacements(code, replacements, id);
    },
  };

  /** For the catalogue builds (after the script's build): the same short ids as keys. */
  const catalogue = () => ({
    name: 'dodo:compact-msg-ids-catalogue',
    enforce: 'post',
    transform(code, id) {
      if (!catalogues.includes(id)) return null;
      if (!shortIds) this.error('compact-msg-ids: the catalogues are built before the script');
      const object = templatesObject(this.parse(code));
      if (!object) this.error(`compact-msg-ids: ${id} exports no \`templates\` object literal`);
      const replacements = object.properties.map((property) => [property.key.start, property.key.end, JSON.stringify(shortIds.get(keyOf(property)))]);
      return applyReplacements(code, replacements, id);
    },
  });

  return { script, catalogue };
}
