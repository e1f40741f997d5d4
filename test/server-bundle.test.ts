import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * bin/server-bundle.mjs on a project of its own (a copy of the module beside a small src/): the
 * bundle is run only while the sources are those it was built from, never after an edit.
 */

let root: string;
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'liaison-bundle-'));
  await fs.mkdir(path.join(root, 'bin'));
  await fs.copyFile(path.join(repo, 'bin/server-bundle.mjs'), path.join(root, 'bin/server-bundle.mjs'));
  // esbuild is found from the project's node_modules, as in a checkout.
  await fs.symlink(path.join(repo, 'node_modules'), path.join(root, 'node_modules'));
  await fs.mkdir(path.join(root, 'src/cli'), { recursive: true });
  await fs.writeFile(path.join(root, 'package.json'), '{"type":"module"}\n');
  await fs.writeFile(path.join(root, 'src/greeting.ts'), "export const greeting: string = 'hello';\n");
  await fs.writeFile(
    path.join(root, 'src/cli/main.ts'),
    "import { greeting } from '../greeting.js';\nconsole.log(greeting);\n",
  );
  await fs.writeFile(path.join(root, 'src/cli/main.test.ts'), '// a test: not part of the bundle\n');
});
afterAll(() => fs.rm(root, { recursive: true, force: true }));

const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();
const fresh = () =>
  node(['--input-type=module', '-e', "console.log((await import('./bin/server-bundle.mjs')).freshBundle() ?? '')"]);

describe('the server bundle', () => {
  it('is not used before it is built', () => {
    expect(fresh()).toBe('');
  });

  it('once built, is used and runs the sources it was built from', () => {
    expect(node(['bin/server-bundle.mjs', 'build'])).toContain('dist/server/cli/liaison.mjs');
    const bundle = fresh();
    expect(bundle).toBe(`file://${path.join(root, 'dist/server/cli/liaison.mjs')}`);
    expect(node([new URL(bundle).pathname])).toBe('hello');
  });

  it('is not used once a source or package.json changes, and is again when they are as they were', async () => {
    const greeting = path.join(root, 'src/greeting.ts');
    const before = await fs.readFile(greeting, 'utf8');
    await fs.writeFile(greeting, "export const greeting: string = 'hello again';\n");
    expect(fresh()).toBe('');
    await fs.writeFile(greeting, before);
    expect(fresh()).not.toBe('');
    await fs.writeFile(path.join(root, 'src/added.ts'), 'export {};\n');
    expect(fresh()).toBe('');
    await fs.rm(path.join(root, 'src/added.ts'));
    await fs.appendFile(path.join(root, 'package.json'), '\n');
    expect(fresh()).toBe('');
  });

  it('does not change when only a test changes', async () => {
    await fs.writeFile(path.join(root, 'package.json'), '{"type":"module"}\n');
    expect(fresh()).not.toBe('');
    await fs.appendFile(path.join(root, 'src/cli/main.test.ts'), '// edited\n');
    expect(fresh()).not.toBe('');
  });
});
