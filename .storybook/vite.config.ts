import { defineConfig } from 'vite';
import { defineModulesHaveSideEffects } from '../packages/elements/scripts/define-side-effects.mjs';

// Storybook merges its own settings over this; the elements' TypeScript (decorators) is read
// from packages/elements/tsconfig.json by esbuild. The root vite.config.ts is the library build.
export default defineConfig({
  // The stories import the define modules for their side effect (registering the tags).
  plugins: [defineModulesHaveSideEffects()],
  // Storybook's own runtime is one large chunk; that is not ours to split.
  build: { chunkSizeWarningLimit: 2_000 },
});
