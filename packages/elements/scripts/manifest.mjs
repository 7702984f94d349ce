// Builds the custom-elements manifest and everything derived from it, so editors and type checkers
// know every tag, attribute, property, event, slot, part and CSS property the elements document:
//   custom-elements.json          the manifest (analyzer, config in custom-elements-manifest.config.mjs)
//   dist/vscode.html-custom-data.json   VS Code HTML custom data ("html.customData")
//   dist/web-types.json           JetBrains web-types
//   dist/jsx.d.ts, dist/jsx-preact.d.ts   tag typings for React 19 and Preact JSX (`ondodo-…`
//                                 event props), over the shared dist/jsx-props.d.ts
// Usage: node scripts/manifest.mjs [--check]   (--check: fail when an element lacks a summary or
// documents an event/part without a description).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeElements, packageDir } from './analyze.mjs';

const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));

/** Every element with a tag, with its module path (for the type import in jsx.d.ts). */
const { elements } = analyzeElements();

const text = (value) => (value ?? '').replace(/\s+/g, ' ').trim();
const describe = (element) => text(element.summary || element.description);

if (process.argv.includes('--check')) {
  const problems = [];
  // Every tag a define/* entry registers must be in the manifest (a class the analyzer does not
  // recognise as an element — e.g. one extending our own base class — needs `@tagname`).
  const documented = new Set(elements.map((element) => element.tagName));
  for (const file of readdirSync(join(packageDir, 'src/define'))) {
    const tag = file.replace(/\.ts$/, '');
    if (file.startsWith('dodo-') && file.endsWith('.ts') && !documented.has(tag))
      problems.push(`<${tag}> is defined in src/define/${file} but missing from the manifest (add \`@tagname ${tag}\` to its class JSDoc)`);
  }
  for (const element of elements) {
    if (!describe(element)) problems.push(`<${element.tagName}> has no @summary or description`);
    for (const event of element.events ?? []) if (!text(event.description)) problems.push(`<${element.tagName}> event ${event.name} has no description`);
    for (const part of element.cssParts ?? []) if (!text(part.description)) problems.push(`<${element.tagName}> part ${part.name} has no description`);
    for (const attribute of element.attributes ?? []) if (!text(attribute.description)) problems.push(`<${element.tagName}> attribute ${attribute.name} has no description`);
  }
  if (problems.length > 0) {
    console.error(`manifest check: ${problems.length} undocumented item(s):\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
}

mkdirSync(join(packageDir, 'dist'), { recursive: true });

// VS Code: https://github.com/microsoft/vscode-custom-data (format version 1.1).
const enumValues = (type) => {
  const literals = [...(type ?? '').matchAll(/'([^']*)'/g)].map((match) => match[1]);
  return literals.length > 0 && /^('[^']*'\s*\|\s*)*'[^']*'(\s*\|\s*undefined)?$/.test(type.trim()) ? literals.map((name) => ({ name })) : undefined;
};
const vscode = {
  version: 1.1,
  tags: elements.map((element) => ({
    name: element.tagName,
    description: [
      describe(element),
      ...(element.events ?? []).map((event) => `Event \`${event.name}\`: ${text(event.description)}`),
      ...(element.cssParts ?? []).map((part) => `Part \`${part.name}\`: ${text(part.description)}`),
    ].join('\n\n'),
    attributes: (element.attributes ?? []).map((attribute) => ({
      name: attribute.name,
      description: text(attribute.description),
      ...(enumValues(attribute.type?.text) ? { values: enumValues(attribute.type.text) } : {}),
    })),
  })),
};
writeFileSync(join(packageDir, 'dist/vscode.html-custom-data.json'), `${JSON.stringify(vscode, null, 2)}\n`);

// JetBrains: https://github.com/JetBrains/web-types (schema v2).
const webTypes = {
  $schema: 'https://raw.githubusercontent.com/JetBrains/web-types/master/schema/web-types.json',
  name: pkg.name,
  version: pkg.version,
  'description-markup': 'markdown',
  contributions: {
    html: {
      elements: elements.map((element) => ({
        name: element.tagName,
        description: describe(element),
        attributes: (element.attributes ?? []).map((attribute) => ({
          name: attribute.name,
          description: text(attribute.description),
          value: { type: attribute.type?.text ?? 'string' },
        })),
        events: (element.events ?? []).map((event) => ({ name: event.name, description: text(event.description) })),
        slots: (element.slots ?? []).map((slot) => ({ name: slot.name, description: text(slot.description) })),
        css: {
          parts: (element.cssParts ?? []).map((part) => ({ name: part.name, description: text(part.description) })),
          properties: (element.cssProperties ?? []).map((property) => ({ name: property.name, description: text(property.description) })),
        },
      })),
    },
  },
};
writeFileSync(join(packageDir, 'dist/web-types.json'), `${JSON.stringify(webTypes, null, 2)}\n`);

// JSX: React 19 sets known properties as properties and treats `on<event-name>` props on custom
// elements as listeners for exactly `<event-name>`; Preact does the same. So each tag takes its
// attributes, its properties, and `ondodo-…` handlers typed with the element's event classes.
const importPath = (path) => `./${path.replace(/^src\//, '').replace(/\.ts$/, '.js')}`;
const eventType = (event) => {
  const name = event.type?.text;
  return name && /^[A-Z]\w*(<[\w<>, ]+>)?$/.test(name) ? name : 'CustomEvent';
};
/** The named types an event type mentions (`CustomEvent<InvoiceDownloadDetail>` → InvoiceDownloadDetail), all from events.ts. */
const BUILT_IN = new Set(['CustomEvent', 'Event']);
const eventTypes = new Set(elements.flatMap((element) => (element.events ?? []).flatMap((event) => eventType(event).match(/[A-Z]\w*/g) ?? [])).filter((name) => !BUILT_IN.has(name)));
const attributeType = (attribute) => {
  const type = attribute.type?.text?.replace(/\s*\|\s*undefined/g, '');
  return type && /^(string|number|boolean|('[^']*'(\s*\|\s*'[^']*')*))$/.test(type) ? type : 'string';
};
const lines = [
  '// Generated by scripts/manifest.mjs from custom-elements.json: do not edit.',
  '// React 19 and Preact typings for the dodo-portal tags, through dist/jsx.d.ts or dist/jsx-preact.d.ts.',
  ...elements.map((element) => `import type { ${element.name} } from '${importPath(element.path)}';`),
  ...(eventTypes.size > 0 ? [`import type { ${[...eventTypes].sort().join(', ')} } from './events.js';`] : []),
  '',
  'type DodoEventHandlers<E> = {',
  '  [K in keyof E as `on${K & string}`]?: (event: E[K]) => void;',
  '};',
  '',
  '/** The props each tag accepts in JSX: attributes (kebab-case), properties and `ondodo-…` events. */',
  'export interface DodoElementProps {',
];
for (const element of elements) {
  const members = [
    ...(element.attributes ?? []).map((attribute) => `    '${attribute.name}'?: ${attributeType(attribute)};`),
    ...(element.members ?? [])
      .filter((member) => member.kind === 'field' && !member.static && member.privacy !== 'private' && member.privacy !== 'protected' && member.attribute)
      .map((member) => `    ${member.name}?: ${element.name}['${member.name}'];`),
  ];
  const events = (element.events ?? []).map((event) => `'${event.name}': ${eventType(event)}`);
  lines.push(
    `  '${element.tagName}': {`,
    ...[...new Set(members)],
    '    id?: string;',
    '    class?: string;',
    '    className?: string;',
    '    slot?: string;',
    '    hidden?: boolean;',
    '    style?: unknown;',
    '    ref?: unknown;',
    '    key?: string | number;',
    '    children?: unknown;',
    `  } & DodoEventHandlers<{ ${events.join('; ')} }>;`,
  );
}
lines.push('}', '', `export type { ${elements.map((element) => element.name).join(', ')} };`, '');
writeFileSync(join(packageDir, 'dist/jsx-props.d.ts'), lines.join('\n'));

// One augmentation per framework: augmenting a module the project doesn't have is an error.
const augment = (framework) =>
  [
    '// Generated by scripts/manifest.mjs: do not edit.',
    // A types-only entry: `import type` (a plain import would ask the bundler for JavaScript).
    `// Types the dodo-portal tags in ${framework} JSX. Import once: \`import type {} from '@dodo-portal/elements/${framework === 'react' ? 'jsx' : 'jsx-preact'}';\``,
    "import type { DodoElementProps } from './jsx-props.js';",
    '',
    `declare module '${framework}' {`,
    '  namespace JSX {',
    '    interface IntrinsicElements extends DodoElementProps {}',
    '  }',
    '}',
    '',
  ].join('\n');
writeFileSync(join(packageDir, 'dist/jsx.d.ts'), augment('react'));
writeFileSync(join(packageDir, 'dist/jsx-preact.d.ts'), augment('preact'));

// docs/elements.md: the elements reference, from the same manifest. `--check` fails when the
// committed file is stale; `node scripts/manifest.mjs --docs` rewrites it.
const cell = (value) => text(value).replace(/\|/g, '\\|') || '—';
const reference = [
  '# Elements reference',
  '',
  '<!-- Generated by `node packages/elements/scripts/manifest.mjs --docs` from custom-elements.json: do not edit. -->',
  '',
  'Every element needs a `<dodo-portal>` ancestor (it provides the API client, the session, the locale and the theme).',
  'Import the CDN script for all of them, or `@dodo-portal/elements/define/<tag>` for one. Colours and sizes are',
  '`--dodo-*` tokens (see [theming](theming.md)); the named parts below can be restyled with `::part()`.',
  '',
  ...elements.flatMap((element) => [
    `## \`<${element.tagName}>\``,
    '',
    describe(element),
    '',
    ...((element.attributes ?? []).length > 0
      ? [
          '| Attribute | Property | Type | Default | Description |',
          '|---|---|---|---|---|',
          ...element.attributes.map((a) => `| \`${a.name}\` | ${a.fieldName ? `\`${a.fieldName}\`` : '—'} | ${cell(a.type?.text)} | ${cell(a.default)} | ${cell(a.description)} |`),
          '',
        ]
      : []),
    ...((element.events ?? []).length > 0
      ? ['| Event | Detail | Description |', '|---|---|---|', ...element.events.map((e) => `| \`${e.name}\` | ${cell(e.type?.text)} | ${cell(e.description)} |`), '']
      : []),
    ...((element.slots ?? []).length > 0
      ? ['| Slot | Description |', '|---|---|', ...element.slots.map((slot) => `| ${slot.name ? `\`${slot.name}\`` : '(default)'} | ${cell(slot.description)} |`), '']
      : []),
    ...((element.cssParts ?? []).length > 0 ? ['| Part | Description |', '|---|---|', ...element.cssParts.map((part) => `| \`${part.name}\` | ${cell(part.description)} |`), ''] : []),
  ]),
].join('\n');
const docsFile = join(packageDir, '../../docs/elements.md');
if (process.argv.includes('--docs')) writeFileSync(docsFile, reference);
else if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(docsFile, 'utf8');
  } catch {
    // missing: reported below
  }
  if (committed !== reference) {
    console.error('manifest check: docs/elements.md is out of date — run `node packages/elements/scripts/manifest.mjs --docs` and commit it');
    process.exit(1);
  }
}

console.log(`manifest: ${elements.length} elements → custom-elements.json, dist/vscode.html-custom-data.json, dist/web-types.json, dist/jsx.d.ts, dist/jsx-preact.d.ts`);
