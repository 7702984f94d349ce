// CDN build only: shorter names for our elements' TypeScript-`private` members.
//
// esbuild shortens variables but keeps property names, so `this.renderSubscription(…)` ships in
// full. A `private` member is only reachable as `this.name` inside its own class, so it can be
// renamed across the bundle — unless the name is also used any other way. A name is renamed only
// when, in every module of the bundle (ours and the libraries'):
// - it is never read or written on anything but `this` (`x.name`, `{ name: … }` disqualify it),
// - it never appears in a string or template (decorators, `changed.has('name')`, `.name=${…}`),
// - no library module uses it as a property name at all.
// New names start with `$` and are checked against every property name in the chunk, so they can
// collide neither with another member nor with a DOM property of the element.
import { transformWithEsbuild } from 'vite';
import { walk } from './transform-utils.mjs';

const PRIVATE_MEMBER = /\bprivate\s+(?:static\s+)?(?:readonly\s+)?(?:override\s+)?(?:async\s+)?(?:get\s+|set\s+)?([A-Za-z_$][\w$]*)/g;
const WORD = /[A-Za-z_$][\w$]*/g;

/**
 * @param {{ include: (id: string) => boolean }} options our own TypeScript modules
 * @returns {import('vite').Plugin[]}
 */
export function manglePrivateMembers({ include }) {
  const candidates = new Set();
  const disqualified = new Set();
  const disqualifyWords = (text) => {
    for (const [word] of text.matchAll(WORD)) disqualified.add(word);
  };

  return [
    {
      name: 'dodo:mangle-private:collect',
      apply: 'build',
      enforce: 'pre',
      transform(code, id) {
        if (!include(id)) return null;
        for (const match of code.matchAll(PRIVATE_MEMBER)) candidates.add(match[1]);
        return null;
      },
    },
    {
      name: 'dodo:mangle-private',
      apply: 'build',
      enforce: 'post',
      transform(code, id) {
        const own = include(id);
        let ast;
        try {
          ast = this.parse(code);
        } catch {
          disqualifyWords(code);
          return null;
        }
        walk(ast, null, (node) => {
          if (node.type === 'Literal' && typeof node.value === 'string') disqualifyWords(node.value);
          else if (node.type === 'TemplateElement') disqualifyWords(node.value.raw);
          else if (node.type === 'MemberExpression' && !node.computed && node.property.type === 'Identifier') {
            if (!own || node.object.type !== 'ThisExpression') disqualified.add(node.property.name);
          } else if (node.type === 'Property' && !node.computed && node.key.type === 'Identifier') disqualified.add(node.key.name);
          else if ((node.type === 'MethodDefinition' || node.type === 'PropertyDefinition') && !own && node.key.type === 'Identifier') {
            disqualified.add(node.key.name);
          }
        });
        return null;
      },
      async renderChunk(code, chunk) {
        const names = [...candidates].filter((name) => !disqualified.has(name));
        if (names.length === 0) return null;
        // Most used first, so they get the shortest new names.
        const uses = (name) => code.split(`.${name}`).length;
        names.sort((a, b) => uses(b) - uses(a) || (a < b ? -1 : 1));
        const taken = new Set(code.match(WORD));
        const mangleCache = {};
        let counter = 0;
        for (const name of names) {
          let short;
          do short = `$${(counter++).toString(36)}`;
          while (taken.has(short));
          mangleCache[name] = short;
        }
        const escaped = names.map((name) => name.replace(/\$/g, '\\$'));
        const result = await transformWithEsbuild(code, chunk.fileName, {
          mangleProps: new RegExp(`^(?:${escaped.join('|')})$`),
          mangleCache,
          minifyWhitespace: true,
          legalComments: 'none',
          sourcemap: true,
        });
        return { code: result.code, map: result.map };
      },
    },
  ];
}
