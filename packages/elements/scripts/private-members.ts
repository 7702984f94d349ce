// The TypeScript `private`/`protected` members of the elements, controllers and editor parts that
// the builds (vite.config.ts) let esbuild's `mangleProps` shorten, the way Lit's own published
// build shortens its private members. esbuild renames a name at every property access, object key
// and (decorated) class member of our sources, so a name is left whole when anything else could
// read it by that name:
// - the DOM (terser's list of DOM properties), Lit, @lit/* and ky (every identifier in their code);
// - the wire contract (every identifier in packages/wire/src: JSON keys, error fields);
// - our public surface: the elements' public members and attributes (custom-elements.json), event
//   details and contexts, the catalogue and the index;
// - a Lit property binding in a template (`.name=${…}`), which names it in a string.
// The short names come from the sorted list, so every module (and both builds) agree on them.
// Usage: npx tsx scripts/private-members.ts   (prints the mangle cache)
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(packageDir, 'package.json'));
const walk = (dir: string): string[] => readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)]));
const identifiers = (text: string, into: Set<string>): void => {
  for (const match of text.matchAll(/[A-Za-z_$][\w$]*/g)) into.add(match[0]);
};
/** A package's folder (the one holding its package.json), resolved from `from` (pnpm: each package's own node_modules). */
const packageRoot = (name: string, from = packageDir): string => {
  let dir = dirname(createRequire(join(from, 'package.json')).resolve(name));
  while (!existsSync(join(dir, 'package.json')) || JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== name) dir = dirname(dir);
  return dir;
};

/** `{ name: mangled }` for esbuild's `mangleCache`, and the matching `mangleProps` pattern. */
export function privateMembers(): { mangleCache: Record<string, string>; mangleProps: RegExp } {
  const sources = walk(join(packageDir, 'src')).filter((file) => file.endsWith('.ts') && !/\.(test|stories|harness)\.ts$|[/\\](mocks|test|react)[/\\]/.test(file));
  const candidates = new Set<string>();
  for (const file of sources) {
    for (const match of readFileSync(file, 'utf8').matchAll(/\b(?:private|protected)\s+(?!override\b)(?:readonly\s+)?(?:async\s+)?(?:get\s+|set\s+)?([A-Za-z_]\w*)/g))
      candidates.add(match[1]!);
  }
  // The controllers' and the editor parts' members: classes the package does not export (the
  // elements use them inside the package; src/index.ts exports only the elements and contexts).
  for (const file of sources.filter((file) => /[/\\]controllers[/\\]|[/\\]payment-method-editor[/\\](shared|card-form|saved-cards|subscription-card)\.ts$/.test(file))) {
    for (const match of readFileSync(file, 'utf8').matchAll(/^ {2}(?:readonly\s+)?(?:async\s+)?(?:get\s+|set\s+)?([A-Za-z_]\w*)\s*[(=:!?<]/gm)) candidates.add(match[1]!);
  }

  const reserved = new Set<string>();
  identifiers(readFileSync(join(dirname(require.resolve('terser/package.json')), 'tools/domprops.js'), 'utf8'), reserved);
  const wire = join(packageDir, '../wire/src');
  for (const file of walk(wire)) if (file.endsWith('.ts') && !file.endsWith('.test.ts')) identifiers(readFileSync(file, 'utf8'), reserved);
  for (const file of ['src/events.ts', 'src/context.ts', 'src/index.ts', 'src/catalogue.ts']) identifiers(readFileSync(join(packageDir, file), 'utf8'), reserved);
  const manifest = join(packageDir, 'custom-elements.json');
  if (existsSync(manifest)) {
    const { modules } = JSON.parse(readFileSync(manifest, 'utf8')) as {
      modules: { declarations?: { members?: { name: string; privacy?: string }[]; attributes?: { name: string; fieldName?: string }[] }[] }[];
    };
    for (const module of modules) {
      for (const declaration of module.declarations ?? []) {
        for (const member of declaration.members ?? []) if (!member.privacy || member.privacy === 'public') reserved.add(member.name);
        for (const attribute of declaration.attributes ?? []) for (const name of [attribute.name, attribute.fieldName]) if (name) reserved.add(name);
      }
    }
  }
  const lit = packageRoot('lit');
  const libraries = [
    lit,
    ...['lit-html', 'lit-element', '@lit/reactive-element'].map((name) => packageRoot(name, lit)),
    ...['@lit/localize', '@lit/context'].map((name) => packageRoot(name)),
    packageRoot('ky', join(wire, '..')),
  ];
  for (const root of libraries) for (const file of walk(root)) if (file.endsWith('.js') && !file.includes('node_modules', root.length)) identifiers(readFileSync(file, 'utf8'), reserved);
  for (const file of sources) for (const match of readFileSync(file, 'utf8').matchAll(/\s\.([A-Za-z]\w*)=/g)) reserved.add(match[1]!);

  const names = [...candidates].filter((name) => !reserved.has(name)).sort();
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  // `_` + letters: never a DOM name, nor one of Lit's own shortened members (`_$…`).
  const short = (index: number): string => `_${index >= letters.length ? letters[Math.floor(index / letters.length) - 1] : ''}${letters[index % letters.length]}`;
  const mangleCache = Object.fromEntries(names.map((name, index) => [name, short(index)]));
  const mangleProps = names.length > 0 ? new RegExp(`^(?:${names.join('|')})$`) : /^$/;
  return { mangleCache, mangleProps };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(privateMembers().mangleCache);
