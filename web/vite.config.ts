import { promisify } from 'node:util';
import { brotliCompress, gzip } from 'node:zlib';
import fs from 'node:fs/promises';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/** Writes .br and .gz beside every text asset, so the server sends them precompressed. */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'liaison-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    async closeBundle() {
      const files = await fs.readdir(outDir, { recursive: true });
      await Promise.all(
        files
          .filter((f) => /\.(js|css|html|svg|json)$/.test(f))
          .map(async (file) => {
            const full = path.join(outDir, file);
            const data = await fs.readFile(full);
            await fs.writeFile(`${full}.br`, await promisify(brotliCompress)(data));
            await fs.writeFile(`${full}.gz`, await promisify(gzip)(data, { level: 9 }));
          }),
      );
    },
  };
}

export default defineConfig({
  root: path.dirname(new URL(import.meta.url).pathname),
  plugins: [react(), precompress()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 600 },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
