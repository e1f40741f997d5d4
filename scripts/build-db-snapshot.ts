/**
 * Writes the migrated, empty embedded database a first start restores (src/platform/db/snapshot.ts):
 * `npm run build:db-snapshot`, run by `npm install` after the console is built.
 */
import { writeMigratedSnapshot } from '../src/platform/db/snapshot-writer.js';
import { snapshotDir } from '../src/platform/db/snapshot.js';

const manifest = await writeMigratedSnapshot();
console.log(`Embedded database snapshot: ${Object.keys(manifest.migrations).length} migrations, in ${snapshotDir}`);
