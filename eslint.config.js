// Lint: typescript-eslint's recommended rules (not the type-checked set: it must stay fast on two cores)
// and the import boundaries of DESIGN.md §3. Feature-to-feature cycles are checked by
// scripts/check-feature-cycles.ts, which `npm run lint` runs as well (import-x/no-cycle is slow).
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const features = readdirSync(new URL('./src/features', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

/** Everything outside the composition root and the layers above it. */
// All globs: the rule refuses a `from` list that mixes globs and plain paths.
const upperLayers = ['src/engine/**', 'src/worker/**', 'src/cli/**', 'src/{app,server}.ts'];

const zones = [
  {
    id: 'platform',
    target: 'src/platform/**',
    from: ['src/features/**', ...upperLayers],
    message: 'The platform knows no feature and nothing above it (DESIGN.md §3).',
  },
  {
    id: 'features',
    target: 'src/features/**',
    from: [...upperLayers, 'src/use-cases/**'],
    message: 'Features sit below the engine, the worker, the CLI, the use cases and the composition root.',
  },
  ...features.map((feature) => ({
    id: `repository:${feature}`,
    target: [`src/features/!(${feature})/**`, 'src/!(features)/**', 'src/*.ts', 'bench/**', 'scripts/**'],
    from: `src/features/${feature}/**/*.repository.ts`,
    message: `A feature's repository is used only inside its own folder: call the ${feature} service instead.`,
  })),
];

/**
 * Files allowed to break named zones for now. Each entry says why; the issue 9 refactor deletes the
 * entries as it fixes them, and a stale entry is harmless but should go with its fix.
 */
const exceptions = [
  // Benchmarks seed and time rows straight through the repositories, below any service.
  { file: 'bench/fanout.ts', zones: ['repository:announcements'] },
];

const repositoryZones = zones.filter((zone) => zone.id.startsWith('repository:')).map((zone) => zone.id);

/** The boundary rule with some zones left out (the rule's options replace, never merge, per file). */
function boundaries(without = []) {
  const kept = zones.filter((zone) => !without.includes(zone.id)).map(({ id: _id, ...zone }) => zone);
  return { 'import-x/no-restricted-paths': kept.length ? ['error', { zones: kept }] : 'off' };
}

function exceptionBlocks() {
  const byFile = new Map();
  for (const { file, zones: skipped } of exceptions) byFile.set(file, [...(byFile.get(file) ?? []), ...skipped]);
  return [...byFile].map(([file, skipped]) => ({
    files: [file],
    rules: boundaries(file.endsWith('.test.ts') ? [...skipped, ...repositoryZones] : skipped),
  }));
}

export default tseslint.config(
  { ignores: ['node_modules/', 'web/dist/', 'web/src/api/schema.d.ts', 'data/', 'coverage/', 'test-results/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['tsconfig.json'] })] },
    languageOptions: { globals: globals.node },
    rules: {
      ...boundaries(),
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['web/src/**'], languageOptions: { globals: globals.browser } },
  // Tests sit above everything: they may build the whole app and reach any repository to arrange or inspect rows.
  { files: ['**/*.test.ts', 'test/**'], rules: boundaries(['features', ...repositoryZones]) },
  ...exceptionBlocks(),
  {
    // The guard exists to find control characters (NUL) in input: the regex is the point, not an accident.
    files: ['src/platform/http/input-guard.ts'],
    rules: { 'no-control-regex': 'off' },
  },
  {
    // Tests read arbitrary JSON answers; typing every one would add noise, not safety.
    files: ['**/*.test.ts', 'test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
