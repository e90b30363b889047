import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const entry = fileURLToPath(new URL('../../../packages/client/src/index.ts', import.meta.url));

/** The client package as a browser would load it: one ES module, built the way a frontend bundler would. */
export async function bundleClient(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'camunda-client-'));
  try {
    const outfile = join(dir, 'camunda-client.js');
    await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', outfile, logLevel: 'silent' });
    return readFileSync(outfile, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
