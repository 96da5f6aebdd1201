/**
 * child.ts as one plain ES module that `node` runs without tsx. Written under
 * node_modules/.cache so its bare imports (vitest/node) resolve from the
 * project; named by content hash, so concurrent graders share it safely.
 */
import { createHash } from 'node:crypto';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ENTRY = fileURLToPath(new URL('./child.ts', import.meta.url));
const CACHE_DIR = join(PROJECT_ROOT, 'node_modules', '.cache', 'todo-wsgi');

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Build (or reuse) the runner bundle; returns its path. */
export async function runnerBundle(): Promise<string> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents;
  if (code === undefined) throw new Error('esbuild produced no runner bundle');
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const path = join(CACHE_DIR, `runner-${hash}.mjs`);
  if (await exists(path)) return path;
  await mkdir(CACHE_DIR, { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, code);
  await rename(temp, path);
  return path;
}
