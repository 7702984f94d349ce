/**
 * Builds `@dodo-portal/elements` (`pnpm --filter @dodo-portal/elements build`, run from this folder).
 *
 * - default mode: the ESM library — one file per class entry (`src/components/<name>/<name>.ts`)
 *   and per define entry (`src/define/dodo-*.ts`), found on disk so a new element cannot be left
 *   out, plus the index; the client in a shared chunk. Lit and @lit/* stay imports (the merchant's
 *   bundler dedupes them, and Node resolves Lit's server build, so the entries import during SSR).
 * - `--mode cdn`: the self-contained, minified IIFE `dist/cdn/dodo-portal.js` for a classic
 *   `<script src>`. It contains no eval and injects no inline script or style (CSP-safe: Lit uses
 *   constructable stylesheets). It carries English only: each other locale is a small ES module,
 *   `dist/cdn/dodo-portal/locales/<locale>.js`, imported beside the script on first use.
 *   One script, not a loader that imports a chunk per `dodo-*` tag on the page (Shoelace's
 *   autoloader), by the numbers of issue 15 (both minified by esbuild): every element as chunks
 *   is 60,345 B gzip in 24 files (cross-chunk names stay unminified, each file gzips alone)
 *   against 44,588 B in one; a page with `<dodo-portal>` + `<dodo-invoice-list>` would load
 *   26,482 B in 9 files, at least three requests deep. Pages that want fewer bytes use the npm
 *   entries (21,367 B for those two).
 *
 * Both builds minify the text of Lit `html`/`svg`/`css` templates (esbuild and terser minify only
 * the JavaScript around them) with rollup-plugin-minify-template-literals (minify-literals:
 * html-minifier-terser and clean-css). `scripts/size.mjs` holds both outputs to `size-budget.json`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import minifyTemplateLiterals from 'rollup-plugin-minify-template-literals';
import { build, defineConfig, transformWithEsbuild, type Plugin } from 'vite';
import { privateMembers } from './scripts/private-members.ts';
import { targetLocales } from './src/localization/locales.ts';

const elements = fileURLToPath(new URL('./', import.meta.url));
const src = (path: string) => `${elements}src/${path}`;

/** Our own modules: the ones whose templates are minified. */
const ownSource = (id: string) => id.startsWith(`${elements}src/`) && id.endsWith('.ts');

/**
 * The published `sideEffects` names only built files (`./dist/define/dodo-*.js`, `./dist/cdn/*.js`):
 * the sources are not in the package. So every build that bundles the sources (this one and
 * Storybook's, `.storybook/vite.config.ts`) says itself which source modules register tags —
 * otherwise their side-effect-only imports are tree-shaken away and no element is ever defined.
 */
export function defineModulesHaveSideEffects(): Plugin {
  const registers = (id: string) => id === src('cdn.ts') || (id.startsWith(src('define/dodo-')) && id.endsWith('.ts'));
  return {
    name: 'dodo:define-side-effects',
    transform(code, id) {
      return registers(id) ? { code, map: null, moduleSideEffects: true } : null;
    },
  };
}

/** Lit `html`/`svg`/`css` template text, minified before esbuild strips the types. */
function minifyTemplates(): Plugin {
  const plugin = minifyTemplateLiterals({
    filter: ownSource,
    failOnError: true,
    options: {
      // A run of whitespace becomes one space, never none: a template is a fragment, so the
      // minifier cannot know that `<span class="visually-hidden"> ${name}</span>` follows text
      // in the button that renders it (the space keeps "Cancel subscription Basic" two words).
      minifyOptions: { conservativeCollapse: true },
      // A bare declaration list (the dark palette in styles/tokens.ts, interpolated into two
      // rules) is no stylesheet to clean-css, which would warn and leave it as written anyway.
      shouldMinifyCSS: (template) => template.tag === 'css' && template.parts.some((part) => part.text.includes('{')),
    },
  }) as Plugin;
  return { ...plugin, enforce: 'pre' };
}

/**
 * CDN mode: an IIFE cannot split chunks, and inlining would put every language in the English
 * script. So the catalogue loader is swapped for `loaders.cdn.ts` (a runtime `import()` of a file
 * beside the script), and each catalogue is built as a standalone, minified ES module.
 */
function cdnLocales(): Plugin {
  const loaders = src('localization/loaders.ts');
  return {
    name: 'dodo:cdn-locales',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved?.id === loaders ? src('localization/loaders.cdn.ts') : null;
    },
    async closeBundle() {
      for (const locale of targetLocales) {
        await build({
          configFile: false,
          root: elements,
          publicDir: false,
          logLevel: 'warn',
          // A catalogue needs only the `str` tag, not the whole runtime (whose module has side effects).
          resolve: { alias: [{ find: /^@lit\/localize$/, replacement: '@lit/localize/internal/str-tag.js' }] },
          plugins: [
            {
              // Vite leaves ES library output unminified (for the consumer's bundler); these are final.
              name: 'dodo:minify-locale',
              async generateBundle(_, bundle) {
                for (const chunk of Object.values(bundle)) {
                  if (chunk.type !== 'chunk') continue;
                  const minified = await transformWithEsbuild(chunk.code, chunk.fileName, { minify: true, format: 'esm', target: 'es2022' });
                  chunk.code = minified.code;
                }
              },
            },
          ],
          build: {
            target: 'es2022',
            outDir: `${elements}dist/cdn/dodo-portal/locales`,
            emptyOutDir: false,
            minify: 'esbuild',
            reportCompressedSize: false,
            lib: { entry: src(`localization/locales/${locale}.ts`), formats: ['es'], fileName: () => `${locale}.js` },
          },
        });
      }
    },
  };
}

export default defineConfig(({ mode }) => {
  const cdn = mode === 'cdn';
  return {
    root: elements,
    publicDir: false,
    plugins: [defineModulesHaveSideEffects(), minifyTemplates(), ...(cdn ? [cdnLocales()] : [])],
    logLevel: 'warn',
    // Our TypeScript-private members get short names in both builds (scripts/private-members.mjs
    // picks the ones nothing else can read by name); one fixed cache, so every module agrees.
    esbuild: privateMembers(),
    build: {
      target: 'es2022',
      sourcemap: true,
      reportCompressedSize: false,
      ...(cdn
        ? {
            outDir: `${elements}dist/cdn`,
            emptyOutDir: true,
            // terser, not esbuild, for the one file merchants download whole: 492 B less gzip.
            minify: 'terser' as const,
            terserOptions: { ecma: 2020, compress: { passes: 2 }, format: { comments: false } },
            lib: {
              entry: src('cdn.ts'),
              formats: ['iife' as const],
              name: 'DodoPortalElements',
              fileName: () => 'dodo-portal.js',
            },
            rollupOptions: {
              output: {
                inlineDynamicImports: true,
                // The script is also the package's `./cdn` export, which a server may import (or
                // resolve) in Node: without a DOM it does nothing, instead of throwing on Lit's
                // browser build. Not `customElements`: Lit's Node build (imported by the ESM
                // entries) shims that global. Not `window`/`document`: scripts/ssr-check.mjs flags
                // any read of those. `Document` and `HTMLElement` exist only with a real DOM.
                intro: "if (typeof Document === 'undefined' || typeof HTMLElement === 'undefined') return;",
              },
            },
          }
        : {
            outDir: `${elements}dist`,
            emptyOutDir: true,
            // Readable output: the merchant's bundler minifies.
            minify: false,
            lib: {
              entry: {
                index: src('index.ts'),
                // The catalogue's data (portal sections, element events): its own file, which the React wrappers import.
                catalogue: src('catalogue.ts'),
                ...Object.fromEntries(
                  readdirSync(src('components'))
                    .filter((name) => existsSync(src(`components/${name}/${name}.ts`)))
                    .map((name) => [`components/${name}/${name}`, src(`components/${name}/${name}.ts`)]),
                ),
                ...Object.fromEntries(
                  readdirSync(src('define'))
                    .filter((file) => file.startsWith('dodo-') && file.endsWith('.ts'))
                    .map((file) => [`define/${file.slice(0, -3)}`, src(`define/${file}`)]),
                ),
              },
              formats: ['es' as const],
            },
            rollupOptions: {
              external: (id: string) => /^(lit|lit-html|lit-element|@lit\/[\w-]+)(\/|$)/.test(id),
              output: {
                entryFileNames: '[name].js',
                chunkFileNames: 'chunks/[name]-[hash].js',
                // The API client (wire, and ky under it) in one shared chunk.
                manualChunks(id) {
                  if (id.includes('/packages/wire/') || /\/node_modules\/ky\//.test(id)) return 'client';
                  return undefined;
                },
              },
            },
          }),
    },
  };
});
