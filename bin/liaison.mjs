#!/usr/bin/env node
// Runs the server bundle `npm install` built (bin/server-bundle.mjs) while it matches the sources;
// otherwise the TypeScript sources directly, through tsx: no build step between a clone or an edit
// and a start.
import { freshBundle } from './server-bundle.mjs';

const bundle = freshBundle();
if (bundle) {
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
