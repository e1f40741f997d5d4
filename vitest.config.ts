import { configDefaults, defineConfig } from 'vitest/config';

const unitTests = 'src/**/*.unit.test.ts';

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 60_000,
    // Browser suites poll the page; on a loaded machine an answer can take more than the default 1 s.
    expect: { poll: { timeout: 10_000, interval: 50 } },
    hookTimeout: 60_000,
    reporters: ['default'],
    projects: [
      // Pure logic: no database is migrated or started, so `npm run test:unit` answers in seconds.
      { extends: true, test: { name: 'unit', include: [unitTests] } },
      {
        extends: true,
        test: {
          name: 'db',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, unitTests],
          // Each file gets its own database (a PGlite loaded from a migrated snapshot, or a
          // PostgreSQL database cloned from a migrated template), so files run in parallel.
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
