import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'drills/**/*.test.ts', 'bench/**/*.test.ts'],
    environment: 'node',
    // Each file opens its own SQLite temp file (and PostgreSQL schema): files are independent.
    fileParallelism: true,
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
