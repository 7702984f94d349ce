/**
 * Builds `@dodo-portal/elements` (run from packages/elements: `pnpm --filter @dodo-portal/elements build`).
 *
 * - default mode: the ESM library — one file per class entry and per define entry, plus the index,
 *   with Lit and the client in shared chunks (`dist/index.js`, `dist/components/…`, `dist/define/…`).
 * - `--mode cdn`: the self-contained, minified IIFE `dist/cdn/dodo-portal.js` for a classic
 *   `<script src>`. It contains no eval and injects no inline script or style (CSP-safe: Lit uses
 *   constructable stylesheets), and the locale modules are inlined.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

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

export default defineConfig(({ mode }) => {
  const cdn = mode === 'cdn';
  return {
    root: elements,
    publicDir: false,
    plugins: [minifyCssLiterals()],
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
                'define/dodo-portal': src('define/dodo-portal.ts'),
                'define/dodo-invoice-list': src('define/dodo-invoice-list.ts'),
                'define/dodo-portal-login': src('define/dodo-portal-login.ts'),
                'define/dodo-unified-portal': src('define/dodo-unified-portal.ts'),
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
