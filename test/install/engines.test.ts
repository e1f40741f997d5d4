import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

/**
 * Every installed package must run wherever Liaison says it runs: its `engines.node` range
 * contains ours (package.json), so `npm install` never warns and nothing needs a newer Node.
 */
const root = path.resolve('.');
const ours = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).engines.node as string;

function installedPackages(dir: string, found: string[] = []): string[] {
  if (!fs.existsSync(dir)) return found;
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith('.')) continue;
    const entry = path.join(dir, name);
    if (name.startsWith('@')) {
      installedPackages(entry, found);
      continue;
    }
    if (fs.existsSync(path.join(entry, 'package.json'))) found.push(entry);
    installedPackages(path.join(entry, 'node_modules'), found);
  }
  return found;
}

describe('engines', () => {
  it('Liaison runs on Node 20 (from 20.19) and on the current LTS', () => {
    expect(semver.satisfies('20.19.0', ours)).toBe(true);
    expect(semver.satisfies('24.0.0', ours)).toBe(true);
    expect(semver.satisfies(process.version, ours)).toBe(true);
  });

  it('every installed package runs on every Node version Liaison supports', () => {
    const mismatches: string[] = [];
    const packages = installedPackages(path.join(root, 'node_modules'));
    for (const dir of packages) {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
      const wanted = pkg.engines?.node;
      if (typeof wanted !== 'string' || !pkg.name) continue;
      if (!semver.validRange(wanted) || !semver.subset(ours, wanted))
        mismatches.push(`${path.relative(root, dir)}@${pkg.version} wants node ${wanted}`);
    }
    expect(packages.length).toBeGreaterThan(100);
    expect(mismatches).toEqual([]);
  });
});
