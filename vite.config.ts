/**
 * Builds `@dodo-portal/elements` (run from packages/elements: `pnpm --filter @dodo-portal/elements build`).
 *
 * - default mode: the ESM library — one file per class entry and per define entry, plus the index,
 *   with Lit and the client in shared chunks (`dist/index.js`, `dist/components/…`, `dist/define/…`).
 * - `--mode cdn`: the self-contained, minified IIFE `dist/cdn/dodo-portal.js` for a classic
 *   `<script src>`. It contains no eval and injects no inline script or style (CSP-safe: Lit uses
 *   constructable stylesheets). It carries English only: each other locale is a small ES module,
 *   `dist/cdn/dodo-portal/locales/<locale>.js`, imported beside the script on first use.
 */
import { fileURLToPath } from 'node:url';
import { build, defineConfig, transformWithEsbuild, type Plugin } from 'vite';
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
    plugins: [minifyCssLiterals(), ...(cdn ? [cdnLocales()] : [])],
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
            rollupOptions: { output: { inlineDynamicImports: true } },
          }
        : {
            outDir: `${elements}dist`,
            emptyOutDir: true,
            // Readable output: the merchant's bundler minifies.
            minify: false,
            lib: {
              entry: {
                index: src('index.ts'),
                'components/portal/portal': src('components/portal/portal.ts'),
                'components/invoice-list/invoice-list': src('components/invoice-list/invoice-list.ts'),
                'components/portal-login/portal-login': src('components/portal-login/portal-login.ts'),
                'components/unified-portal/unified-portal': src('components/unified-portal/unified-portal.ts'),
                'components/payment-method-editor/payment-method-editor': src('components/payment-method-editor/payment-method-editor.ts'),
                'components/key-vault/key-vault': src('components/key-vault/key-vault.ts'),
                'define/dodo-key-vault': src('define/dodo-key-vault.ts'),
                'define/dodo-portal': src('define/dodo-portal.ts'),
                'define/dodo-invoice-list': src('define/dodo-invoice-list.ts'),
                'define/dodo-portal-login': src('define/dodo-portal-login.ts'),
                'define/dodo-unified-portal': src('define/dodo-unified-portal.ts'),
                'components/subscription-manager/subscription-manager': src('components/subscription-manager/subscription-manager.ts'),
                'components/plan-switcher/plan-switcher': src('components/plan-switcher/plan-switcher.ts'),
                'components/profile/profile': src('components/profile/profile.ts'),
                'define/dodo-subscription-manager': src('define/dodo-subscription-manager.ts'),
                'define/dodo-plan-switcher': src('define/dodo-plan-switcher.ts'),
                'define/dodo-profile': src('define/dodo-profile.ts'),
                'define/dodo-payment-method-editor': src('define/dodo-payment-method-editor.ts'),
              },
              formats: ['es' as const],
            },
            rollupOptions: {
              output: {
                entryFileNames: '[name].js',
                chunkFileNames: 'chunks/[name]-[hash].js',
                // Third-party code in shared chunks: Lit (+ @lit/*) and the API client (ky).
                manualChunks(id) {
                  if (/[\\/]node_modules[\\/].*(lit-html|lit-element|@lit|[\\/]lit[\\/])/.test(id)) return 'lit';
                  if (/[\\/]node_modules[\\/].*[\\/]ky[\\/]/.test(id) || id.includes('/packages/wire/')) return 'client';
                  return undefined;
                },
              },
            },
          }),
    },
  };
});
