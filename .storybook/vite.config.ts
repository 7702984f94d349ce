import { defineConfig } from 'vite';
import { defineModulesHaveSideEffects } from '../packages/elements/vite.config.ts';

// Storybook merges its own settings over this; the elements' TypeScript (decorators) is read
// from packages/elements/tsconfig.json by esbuild. packages/elements/vite.config.ts is the
// library build (lib mode), whose define-module rule the stories need too.
export default defineConfig({
  // The stories import the define modules for their side effect (registering the tags).
  plugins: [defineModulesHaveSideEffects()],
  // Storybook's own runtime is one large chunk; that is not ours to split.
  build: { chunkSizeWarningLimit: 2_000 },
});
