// The server as one JavaScript file, so a start spends no second on compiling and resolving
// hundreds of TypeScript modules one by one: `npm run build:server` (run by `npm install`) writes
// it with a digest of the sources it was built from, and bin/liaison.mjs runs it only while the
// sources still have that digest; after any edit it runs the sources through tsx as before.
// Plain JavaScript: it runs before tsx is registered.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
// Three folders deep, as src/platform/http/console.ts and src/platform/db/snapshot.ts are: the
// paths they compute from import.meta.url (web/dist, dist/embedded-db) resolve the same from it.
const bundleFile = path.join(root, 'dist/server/cli/liaison.mjs');
const digestFile = path.join(root, 'dist/server/cli/sources.sha256');

/** A digest of every source the bundle is made of (tests aside) and of package.json. */
function sourceDigest() {
  const hash = createHash('sha256');
  const files = fs
    .readdirSync(path.join(root, 'src'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name))
    .sort();
  for (const file of [...files, path.join(root, 'package.json')]) {
    hash.update(path.relative(root, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

/** The bundle's URL when it was built from the sources as they are now; undefined otherwise. */
export function freshBundle() {
  try {
    if (fs.readFileSync(digestFile, 'utf8').trim() !== sourceDigest()) return undefined;
    return pathToFileURL(bundleFile).href;
  } catch {
    return undefined;
  }
}

/** Bundles src/cli/main.ts (packages stay in node_modules) and records the sources' digest. */
async function build() {
  const esbuild = await import('esbuild');
  const digest = sourceDigest();
  await esbuild.build({
    entryPoints: [path.join(root, 'src/cli/main.ts')],
    outfile: bundleFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  fs.writeFileSync(digestFile, `${digest}\n`);
  console.log(`Server bundle: ${path.relative(root, bundleFile)}`);
}

// `node bin/server-bundle.mjs build`; imported by bin/liaison.mjs, it only answers freshBundle.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.argv[2] === 'build') await build();
