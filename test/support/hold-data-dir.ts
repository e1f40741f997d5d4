/**
 * A process that takes an embedded data folder, says "holding", then blocks its own event loop
 * until the file named by its second argument exists.
 * Usage: node --import tsx test/support/hold-data-dir.ts <dataDir> <releaseFile>
 */
import fs from 'node:fs';
import { lockDataDir } from '../../src/platform/db/data-dir-lock.js';

const [dataDir, releaseFile] = process.argv.slice(2);
// The lock alone, as startEmbedded takes it before opening the database (which would only add load).
const release = await lockDataDir(dataDir!);
process.stdout.write('holding\n');
// A stalled event loop, as under one costly request: no timer or I/O callback runs until the
// release file appears. Atomics.wait blocks as a busy loop would, without taking a core from the machine.
const pause = new Int32Array(new SharedArrayBuffer(4));
while (!fs.existsSync(releaseFile!)) Atomics.wait(pause, 0, 0, 50);
await release();
process.stdout.write('released\n');
