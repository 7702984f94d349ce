import { defineConfig } from 'vitest/config';

// Its own config, so vitest does not pick up the repository's vite.config.ts (the elements build).
export default defineConfig({
  test: { include: ['src/**/*.test.ts'], environment: 'node', testTimeout: 10_000 },
});
