/**
 * Builds `@dodo-portal/elements` (run from packages/elements: `pnpm --filter @dodo-portal/elements build`).
 *
 * - default mode: the ESM library — one file per class entry (`src/components/<name>/<name>.ts`)
 *   and per define entry (`src/define/dodo-*.ts`), found on disk so a new element cannot be left
 *   out, plus the index; the client in a shared chunk. Lit and @lit/* stay imports (the merchant's
 *   bundler dedupes them, and Node resolves Lit's server build, so the entries import during SSR).
 * - `--mode cdn`: the self-contained, minified IIFE `dist/cdn/dodo-portal.js` for a classic
 *   `<script src>`. It contains no eval and injects no inline script or style (CSP-safe: Lit uses
 *   constructable stylesheets). It carries English only: each other locale is a small ES module,
 *   `dist/cdn/dodo-portal/locales/<locale>.js`, imported beside the script on first use.
 *
 * Both builds strip the whitespace of Lit `css` and `html`/`svg` templates (esbuild minifies only
 * the JavaScript around them). Transforms: packages/elements/scripts/*.mjs, tested by
 * `node --test packages/elements/scripts/build-plugins.test.mjs`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, defineConfig, transformWithEsbuild, type Plugin } from 'vite';
import { compactMsgIds } from './packages/elements/scripts/compact-msg-ids.mjs';
import { defineModulesHaveSideEffects } from './packages/elements/scripts/define-side-effects.mjs';
import { manglePrivateMembers } from './packages/elements/scripts/mangle-private.mjs';
import { minifyHtmlTemplates } from './packages/elements/scripts/minify-templates.mjs';
import { targetLocales } from './packages/elements/src/localization/locales.ts';

const elements = fileURLToPath(new URL('./packages/elements/', import.meta.url));
const src = (path: string) => `${elements}src/${path}`;

/**
 * Lit's `css` templates reach the bundle verbatim (esbuild minifies JS, not CSS in strings):
 * strip comments and collapse whitespace in static `css\`…\`` literals of our own sources.
 */
function minifyCssLiterals(): Plugin {
  const cssLiteral = /\bcss`([^`$\\]*)`/g;
  const minify = (text: string) =>
    text
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\s+/g, ' ')
      .replace(/\s*([{}:;,>])\s*/g, '$1')
      .replace(/;}/g, '}')
      .trim();
  return {
    name: 'dodo:minify-css-literals',
    enforce: 'pre',
    transform(code, id) {
      if (!id.startsWith(`${elements}src/`) || !id.endsWith('.ts') || !code.includes('css`')) return null;
      return { code: code.replace(cssLiteral, (_, body: string) => `css\`${minify(body)}\``), map: null };
    },
  };
}

/**
 * CDN mode: an IIFE cannot split chunks, and inlining would put every language in the English
 * script. So the catalogue loader is swapped for `loaders.cdn.ts` (a runtime `import()` of a file
 * beside the script), and each catalogue is built as a standalone, minified ES module.
 */
function cdnLocales(catalogue: () => Plugin): Plugin {
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
            catalogue(),
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

/** Our own modules: the ones the template, message-id and private-name transforms rewrite. */
const ownSource = (id: string) => id.startsWith(`${elements}src/`) && id.endsWith('.ts');

export default defineConfig(({ mode }) => {
  const cdn = mode === 'cdn';
  const msgIds = compactMsgIds({ catalogues: targetLocales.map((locale) => src(`localization/locales/${locale}.ts`)), include: ownSource });
  return {
    root: elements,
    publicDir: false,
    plugins: [
      defineModulesHaveSideEffects(),
      minifyCssLiterals(),
      minifyHtmlTemplates({ include: ownSource }),
      // CDN only (the ESM build keeps readable ids and names): short msg() ids in the script and its
      // catalogues, short names for `private` members (scripts/compact-msg-ids.mjs, mangle-private.mjs).
      ...(cdn ? [...manglePrivateMembers({ include: ownSource }), msgIds.script, cdnLocales(msgIds.catalogue)] : []),
    ],
    logLevel: 'warn',
    build: {
      target: 'es2022',
      sourcemap: true,
      reportCompressedSize: false,
      ...(cdn
        ? {
            outDir: `${elements}dist/cdn`,
            emptyOutDir: true,
            minify: 'esbuild' as const,
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
                // The API client (wire) in one shared chunk.
                manualChunks(id) {
                  if (id.includes('/packages/wire/')) return 'client';
                  return undefined;
                },
              },
            },
          }),
    },
  };
});
