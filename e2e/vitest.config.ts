import { defineConfig } from 'vitest/config';

// End-to-end: real server processes, real SQLite files, real Chromium. One file at a time.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
