// Emits the React wrappers (src/react/*.ts) as dist/react/*.js, one plain ES module each, with
// `react` and `@lit/react` left as bare imports (react is an optional peer dependency) and the
// elements imported from the package's own dist entries. Per-file transpiling, not bundling: a
// wrapper must share Lit and the element classes with the define entries, never copy them.
// Their .d.ts come from tsc -p tsconfig.build.json (run before this); checked here.
// Usage (from packages/elements, after the vite and tsc builds): node src/react/build.mjs
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const source = dirname(fileURLToPath(import.meta.url));
const dist = resolve(source, '../../dist/react');
mkdirSync(dist, { recursive: true });

const files = readdirSync(source).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));
const emitted = files.map((file) => {
  const { outputText } = ts.transpileModule(readFileSync(join(source, file), 'utf8'), {
    fileName: file,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      verbatimModuleSyntax: true,
      rewriteRelativeImportExtensions: true,
    },
  });
  const name = file.replace(/\.ts$/, '');
  writeFileSync(join(dist, `${name}.js`), outputText);
  return { name, outputText };
});

const problems = [];
for (const { name, outputText } of emitted) {
  // Every relative import must land on a file the build emitted (a component or define entry of
  // vite.config.ts, another wrapper).
  for (const [, specifier] of outputText.matchAll(/^(?:import|export)\b[^'"]*['"](\.[^'"]+)['"]/gm)) {
    if (!existsSync(resolve(dist, specifier))) problems.push(`dist/react/${name}.js imports ${specifier}, which the build did not emit (an entry missing in vite.config.ts?)`);
  }
  if (!existsSync(join(dist, `${name}.d.ts`))) problems.push(`dist/react/${name}.d.ts is missing (tsconfig.build.json must include src/react)`);
}
if (problems.length > 0) {
  console.error(`react wrappers:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
