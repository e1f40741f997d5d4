import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Each file gets its own database (a PGlite loaded from a migrated snapshot, or a
    // PostgreSQL database cloned from a migrated template), so files run in parallel.
    pool: 'forks',
    testTimeout: 60_000,
    // Browser suites poll the page; on a loaded machine an answer can take more than the default 1 s.
    expect: { poll: { timeout: 10_000, interval: 50 } },
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
