// Writes everything that lists the elements from the one catalogue, src/catalogue.json:
//   src/define/dodo-<name>.ts   the define entry (the context provider first, lit#2763)
//   src/cdn.ts                  the CDN script: every define entry, the provider first
//   src/react/<name>.ts, src/react/index.ts   the React wrappers
//   src/catalogue.ts            the complete portal's sections and each element's events (from
//                               the element's JSDoc through the manifest) for the React props
//   src/index.ts                the class exports (between the catalogue markers)
//   package.json                the `./<name>` and `./define/dodo-<name>` exports
// The Storybook check (.storybook/check.mjs) reads the catalogue itself: every element has a story.
// Usage (from packages/elements): node scripts/catalogue.mjs [--check]
//   (the build writes; --check, in npm test, fails when a committed file differs from what the
//   catalogue gives, and names it)
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeElements, packageDir } from './analyze.mjs';

const check = process.argv.includes('--check');
const src = (path) => join(packageDir, 'src', path);
const { elements: entries } = JSON.parse(readFileSync(src('catalogue.json'), 'utf8'));

const pascal = (name) => name.replace(/(?:^|-)([a-z])/g, (_, letter) => letter.toUpperCase());
const elements = entries.map((entry) => ({ ...entry, tag: `dodo-${entry.name}`, className: `Dodo${pascal(entry.name)}`, module: `components/${entry.name}/${entry.name}.ts` }));
const problems = [];
for (const element of elements) {
  if (!existsSync(src(element.module))) problems.push(`catalogue: ${element.name} has no src/${element.module}`);
}
const provider = elements.find((element) => element.provider);
if (!provider || elements.filter((element) => element.provider).length !== 1) problems.push('catalogue: exactly one element must be the context provider ("provider": true)');
const sections = elements.filter((element) => element.section);

// Events as the elements document them (`@event` / `@fires`), not restated here.
const { elements: documented } = analyzeElements();
const eventsOf = (tag) => {
  const element = documented.find((declaration) => declaration.tagName === tag);
  if (!element) problems.push(`catalogue: <${tag}> is not in the manifest (its class needs a JSDoc header; the tag comes from the class name)`);
  return [...new Set((element?.events ?? []).map((event) => event.name).filter((name) => name?.startsWith('dodo-')))].sort();
};

if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}

const header = (what) => `// Generated from src/catalogue.json by scripts/catalogue.mjs: do not edit. ${what}`;
const files = new Map();

for (const element of elements) {
  const imports = [`import { ${element.className} } from '../${element.module}';`];
  const lines = [];
  if (!element.provider && !element.standalone) {
    imports.push(`import { ${provider.className} } from '../${provider.module}';`);
    lines.push(`defineElement('${provider.tag}', ${provider.className});`);
  }
  if (element.withSections) {
    for (const section of sections) {
      imports.push(`import { ${section.className} } from '../${section.module}';`);
      lines.push(`defineElement('${section.tag}', ${section.className});`);
    }
  }
  lines.push(`defineElement('${element.tag}', ${element.className});`);
  const what = element.provider
    ? `Registers <${element.tag}> alone; its complete layout shows a section for each section element the page registers.`
    : element.withSections
      ? `Registers <${element.tag}>, after <${provider.tag}>, and every element of the complete portal's sections.`
      : element.standalone
        ? `Registers <${element.tag}>.`
        : `Registers <${element.tag}>, after its context provider <${provider.tag}>.`;
  files.set(`src/define/${element.tag}.ts`, [header(what), ...imports.sort(), `import { defineElement } from './define.ts';`, '', ...lines, ''].join('\n'));
}

files.set(
  'src/cdn.ts',
  [
    header('The CDN script (`<script src=".../dodo-portal.js">`): registers every element, the context provider first.'),
    ...[provider, ...elements.filter((element) => element !== provider)].map((element) => `import './define/${element.tag}.ts';`),
    '',
  ].join('\n'),
);

for (const element of elements) {
  files.set(
    `src/react/${element.name}.ts`,
    [
      header(`<${element.className}>: React wrapper of <${element.tag}> with typed props and onDodo… event props. Registers the tag.`),
      `import * as React from 'react';`,
      `import { createComponent } from '@lit/react';`,
      `import { ${element.className} as ElementClass } from '../${element.module}';`,
      `import '../define/${element.tag}.ts';`,
      `import { elementEvents, handlers } from './handlers.ts';`,
      '',
      `export const ${element.className} = createComponent({`,
      `  tagName: '${element.tag}',`,
      '  elementClass: ElementClass,',
      '  react: React,',
      `  events: handlers(elementEvents['${element.tag}']),`,
      `  displayName: '${element.className}',`,
      '});',
      '',
    ].join('\n'),
  );
}
files.set(
  'src/react/index.ts',
  [
    header(
      "React wrappers of every element (`@dodo-portal/elements/react`); importing this registers every tag — import one element's entry (`@dodo-portal/elements/react/invoice-list`) to ship only it.",
    ),
    ...elements.map((element) => `export { ${element.className} } from './${element.name}.ts';`),
    `export type { DodoEventName, Handlers } from './handlers.ts';`,
    '',
  ].join('\n'),
);

const quote = (text) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
files.set(
  'src/catalogue.ts',
  [
    header('What the complete portal and the React wrappers need to know of each element.'),
    `import { html, type TemplateResult } from 'lit';`,
    `import { msg } from '@lit/localize';`,
    '',
    'export interface PortalSection {',
    '  tag: string;',
    "  /** Also the `part` (`section-<key>`) and the heading's id. */",
    '  key: string;',
    '  heading: () => string;',
    '  content: () => TemplateResult;',
    '}',
    '',
    "/** The complete portal's sections, in the order they are shown; each only when its element is registered. */",
    'export const portalSections: readonly PortalSection[] = [',
    ...sections.map(
      (section) =>
        `  { tag: '${section.tag}', key: '${section.section.key}', heading: () => msg(${quote(section.section.heading)}), content: () => html\`<${section.tag}></${section.tag}>\` },`,
    ),
    '];',
    '',
    '/** The events each element fires, by tag (its `@event` JSDoc). */',
    'export const elementEvents = {',
    ...elements.map(
      (element) =>
        `  '${element.tag}': [${eventsOf(element.tag)
          .map((name) => `'${name}'`)
          .join(', ')}],`,
    ),
    '} as const;',
    '',
  ].join('\n'),
);

// The class exports of the index, between its markers.
const indexPath = 'src/index.ts';
const index = readFileSync(src('index.ts'), 'utf8');
const [start, end] = ['// <catalogue>', '// </catalogue>'];
if (!index.includes(start) || !index.includes(end)) {
  console.error(`${indexPath} lost its ${start} … ${end} markers`);
  process.exit(1);
}
files.set(
  indexPath,
  `${index.slice(0, index.indexOf(start) + start.length)}\n${elements.map((element) => `export { ${element.className} } from './${element.module}';`).join('\n')}\n${index.slice(index.indexOf(end))}`,
);

// package.json: the element exports, after ".", in catalogue order; every other export kept.
const pkgText = readFileSync(join(packageDir, 'package.json'), 'utf8');
const pkg = JSON.parse(pkgText);
/** An element's export: it points into dist/components/ or dist/define/. */
const ownExport = (value) => typeof value === 'object' && /^\.\/dist\/(components|define)\//.test(value.default ?? '');
const others = Object.entries(pkg.exports).filter(([key, value]) => key !== '.' && !ownExport(value));
const built = (path) => ({ types: `./dist/${path}.d.ts`, default: `./dist/${path}.js` });
pkg.exports = Object.fromEntries([
  ['.', pkg.exports['.']],
  ...elements.flatMap((element) => [
    [`./${element.name}`, built(`components/${element.name}/${element.name}`)],
    [`./define/${element.tag}`, built(`define/${element.tag}`)],
  ]),
  ...others,
]);
files.set('package.json', `${JSON.stringify(pkg, null, 2)}\n`);

// Define entries and wrappers of elements no longer in the catalogue.
const stale = [
  ...readdirSync(src('define'))
    .filter((file) => file.startsWith('dodo-') && file.endsWith('.ts'))
    .map((file) => `src/define/${file}`),
  ...readdirSync(src('react'))
    .filter((file) => file.endsWith('.ts') && !['handlers.ts', 'index.ts'].includes(file) && !file.endsWith('.test.ts'))
    .map((file) => `src/react/${file}`),
].filter((path) => !files.has(path));

const differing = [...files].filter(([path, text]) => !existsSync(join(packageDir, path)) || readFileSync(join(packageDir, path), 'utf8') !== text).map(([path]) => path);
if (check) {
  if (differing.length + stale.length > 0) {
    console.error(
      `catalogue: these files differ from src/catalogue.json — run \`node packages/elements/scripts/catalogue.mjs\`:\n  ${[...differing, ...stale.map((path) => `${path} (no longer in the catalogue)`)].join('\n  ')}`,
    );
    process.exit(1);
  }
  console.log(`catalogue: ${elements.length} elements, every generated file current`);
} else {
  for (const path of differing) writeFileSync(join(packageDir, path), files.get(path));
  for (const path of stale) rmSync(join(packageDir, path));
  console.log(`catalogue: ${elements.length} elements; wrote ${differing.length} file(s)${stale.length ? `, removed ${stale.length}` : ''}`);
}
