/**
 * One lint config for the whole repo (`pnpm lint`, zero warnings): ESLint's and typescript-eslint's
 * recommended rules everywhere, Lit's and the custom-element rules where Lit templates and custom
 * elements live. Formatting is Prettier's job (prettier.config.js), so no stylistic rules here.
 */
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['**/node_modules/', '**/dist/', 'storybook-static/', 'test-results/', 'coverage/', '**/mockServiceWorker.js']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    // Server, scripts and tests run in Node; elements, stories and examples in the browser (and
    // their builds and tests in Node), so both sets of globals are known everywhere.
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      // `{ omitted: _omitted, ...rest }` is how the code drops a field; `_name` marks a parameter a
      // signature needs but the body does not.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, argsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      // A `let` assigned once but read earlier by a closure (serve.ts's handler) cannot be a const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // Kysely's documented migration signature: a migration must not depend on today's schema type.
    files: ['packages/server/src/store/migrations/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Classic scripts served one after another (tab-session.js, then hosted.js or unified.js):
    // tab-session.js's top-level `tabSession` is the others' global.
    files: ['packages/server/src/hosted/*.js'],
    languageOptions: { sourceType: 'script' },
    rules: { '@typescript-eslint/no-unused-vars': ['error', { vars: 'local' }] },
  },
  {
    files: ['packages/server/src/hosted/hosted.js', 'packages/server/src/hosted/unified.js'],
    languageOptions: { globals: { tabSession: 'readonly' } },
  },
  {
    files: ['packages/elements/**', '.storybook/**', 'examples/**', 'e2e/**'],
    extends: [lit.configs['flat/recommended'], wc.configs['flat/recommended']],
  },
  {
    // Chai's property assertions (`expect(x).to.be.true`) are expressions by design.
    files: ['packages/elements/**/*.test.ts'],
    rules: { '@typescript-eslint/no-unused-expressions': 'off' },
  },
);
