// The CDN build's own transforms (minify-templates, compact-msg-ids, mangle-private), run through
// a real Vite build of small fixture modules. Run: node --test scripts/build-plugins.test.mjs
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { build } from 'vite';
import { compactMsgIds } from './compact-msg-ids.mjs';
import { manglePrivateMembers } from './mangle-private.mjs';
import { minifyHtmlStrings, minifyHtmlTemplates } from './minify-templates.mjs';

describe('minifyHtmlStrings', () => {
  test('collapses whitespace between and inside tags, keeping one space in text', () => {
    assert.deepEqual(minifyHtmlStrings(['\n  <div\n    class="a"\n    hidden\n  >\n    Hello,\n    <b>world</b>!\n  </div>\n']), [
      ' <div class="a" hidden> Hello, <b>world</b>! </div> ',
    ]);
  });

  test('keeps bindings: the attribute name, its prefix and the space before it', () => {
    const strings = ['<input\n  .value=', '\n  ?disabled = ', '\n  @input=', '\n  ', '\n/>\n<p>\n  ', '\n</p>'];
    assert.deepEqual(minifyHtmlStrings(strings), ['<input .value=', ' ?disabled=', ' @input=', ' ', ' /> <p> ', ' </p>']);
  });

  test('leaves quoted attribute values, comments, escapes and raw text alone', () => {
    const pre = '<pre>\n  a   b\n</pre>';
    const textarea = '<textarea>\n x  y </textarea>';
    assert.deepEqual(minifyHtmlStrings([`<p title="a   b" data-x='c\n d'>  \\n  </p>  <!--  keep  -->  ${pre} ${textarea}`]), [
      `<p title="a   b" data-x='c\n d'> \\n </p> <!--  keep  --> ${pre} ${textarea}`,
    ]);
  });

  test('a quoted value may hold a binding', () => {
    assert.deepEqual(minifyHtmlStrings(['<a  class="x  ', '  y"  href=', '  >go</a>']), ['<a class="x  ', '  y" href=', '>go</a>']);
  });

  test('whitespace in text is never removed, only shortened', () => {
    assert.deepEqual(minifyHtmlStrings(['a\n\n', '\tb']), ['a ', ' b']);
  });
});

const fixtureDir = mkdtempSync(join(tmpdir(), 'dodo-build-plugins-'));
after(() => rmSync(fixtureDir, { recursive: true, force: true }));

/** Builds `files.entry` (with the other fixture files beside it) as an ES module; returns its code. */
async function buildFixture(name, files, plugins) {
  const dir = join(fixtureDir, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  const output = await build({
    configFile: false,
    logLevel: 'silent',
    root: dir,
    plugins,
    build: {
      write: false,
      minify: false,
      lib: { entry: join(dir, 'entry.ts'), formats: ['es'], fileName: () => 'out.js' },
      rollupOptions: { external: [/^lit/, /^@lit/] },
    },
  });
  return output[0].output[0].code;
}

const own = (id) => id.startsWith(fixtureDir) && id.endsWith('.ts');

describe('minifyHtmlTemplates', () => {
  test('minifies html and svg templates of included modules, not other tags or msg() templates', async () => {
    const code = await buildFixture(
      'templates',
      {
        'entry.ts': [
          "import { html, svg } from 'lit';",
          "import { msg } from '@lit/localize';",
          'const other = (s: TemplateStringsArray) => s.join();',
          'export const a = (x: number) => html`\n  <p\n    class="c"\n  >\n    ${x}\n  </p>\n`;',
          'export const b = svg`\n  <svg>\n    <path d="M0 0" />\n  </svg>\n`;',
          'export const c = other`\n  keep  me\n`;',
          "export const d = msg(html`\n  <b>as   is</b>\n`, { id: 'x' });",
        ].join('\n'),
      },
      [minifyHtmlTemplates({ include: own })],
    );
    assert.match(code, /html` <p class="c"> \$\{x\} <\/p> `/);
    assert.match(code, /svg` <svg> <path d="M0 0" \/> <\/svg> `/);
    assert.match(code, /other`\n {2}keep {2}me\n`/);
    assert.match(code, /msg\(html`\n {2}<b>as {3}is<\/b>\n`/);
  });
});

describe('compactMsgIds', () => {
  test('gives the script and the catalogue the same short ids', async () => {
    const files = {
      'sv.ts': "export const templates = { 'greeting.hello': 'Hej', 'greeting.bye': 'Hej då', unused: 'Oanvänd' };",
      'entry.ts': [
        "import { msg } from '@lit/localize';",
        "export const hello = () => msg('Hello', { id: 'greeting.hello' });",
        "export const bye = () => msg('Bye', { id: 'greeting.bye' });",
        "export const fresh = () => msg('Not translated yet', { id: 'greeting.fresh' });",
      ].join('\n'),
    };
    const ids = compactMsgIds({ catalogues: [join(fixtureDir, 'ids', 'sv.ts')], include: own });
    const script = await buildFixture('ids', files, [ids.script]);
    const shortId = (english) => new RegExp(`msg\\("${english}", \\{ id: "([a-z][0-9a-z]+)" \\}\\)`).exec(script)?.[1];
    const hello = shortId('Hello');
    const bye = shortId('Bye');
    assert.ok(hello && bye && hello !== bye, script);
    assert.match(script, /id: "greeting\.fresh"/, 'an id no catalogue has stays as written');

    const catalogue = await build({
      configFile: false,
      logLevel: 'silent',
      root: join(fixtureDir, 'ids'),
      plugins: [ids.catalogue()],
      build: { write: false, minify: false, lib: { entry: join(fixtureDir, 'ids', 'sv.ts'), formats: ['es'], fileName: () => 'sv.js' } },
    });
    const code = catalogue[0].output[0].code;
    assert.match(code, new RegExp(`"${hello}": "Hej"`));
    assert.match(code, new RegExp(`"${bye}": "Hej då"`));
    assert.doesNotMatch(code, /greeting\./);
  });

  test('fails the build on a msg() call without a literal id', async () => {
    const files = {
      'sv.ts': "export const templates = { a: 'A' };",
      'entry.ts': "import { msg } from '@lit/localize';\nexport const id = 'a';\nexport const f = () => msg('A', { id });",
    };
    const ids = compactMsgIds({ catalogues: [join(fixtureDir, 'no-id', 'sv.ts')], include: own });
    await assert.rejects(buildFixture('no-id', files, [ids.script]), /no literal `id`/);
  });
});

describe('manglePrivateMembers', () => {
  test('renames private members used only on `this`, and nothing else', async () => {
    const code = await buildFixture(
      'mangle',
      {
        'entry.ts': [
          'export class Widget extends HTMLElement {',
          '  private counterValue = 0;',
          '  private status = "idle";',
          '  private label = "x";',
          '  private renderSomething(): string { return `${this.counterValue}`; }',
          '  public show(data: { status: string }): string {',
          '    this.counterValue += 1;',
          '    this.status = data.status;',
          "    this.label = 'label';",
          '    return this.renderSomething() + this.status + this.label;',
          '  }',
          '}',
        ].join('\n'),
      },
      manglePrivateMembers({ include: own }),
    );
    assert.doesNotMatch(code, /counterValue|renderSomething/, code);
    // `status` is also read on another object, `label` appears in a string: both keep their names.
    assert.match(code, /this\.status\s*=\s*\w+\.status/);
    assert.match(code, /this\.label\s*=\s*"label"/);
    assert.match(code, /this\.\$[0-9a-z]+\s*\+=\s*1/);
  });
});
