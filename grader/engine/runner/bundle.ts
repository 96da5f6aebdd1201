/**
 * child.ts as one plain ES module that `node` runs without tsx. Written under
 * node_modules/.cache so its bare imports (vitest/node) resolve from the
 * project. It is keyed by a hash of its sources, so a grade that finds it
 * already built starts the runner without calling esbuild at all; the name
 * is content-addressed, so concurrent graders share it safely.
 *
 * child.ts imports only files of this folder and ../protocol.ts: the key
 * covers exactly those.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const HERE = fileURLToPath(new URL('./', import.meta.url));
const ENTRY = join(HERE, 'child.ts');
const PROTOCOL = fileURLToPath(new URL('../protocol.ts', import.meta.url));
export const CACHE_DIR = join(PROJECT_ROOT, 'node_modules', '.cache', 'todo-wsgi');

/** Bundles of older sources are removed once unused this long (another checkout may share the cache). */
const STALE_MS = 24 * 60 * 60 * 1000;

async function pruneStale(keep: string): Promise<void> {
  for (const name of await readdir(CACHE_DIR).catch(() => [])) {
    const path = join(CACHE_DIR, name);
    if (path === keep || !/^runner-[0-9a-f]+\.mjs(\..*\.tmp)?$/.test(name)) continue;
    const info = await stat(path).catch(() => undefined);
    if (info !== undefined && Date.now() - info.mtimeMs > STALE_MS) await rm(path, { force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

async function sourceKey(): Promise<string> {
  const files = [...(await readdir(HERE)).filter((name) => name.endsWith('.ts')).sort().map((name) => join(HERE, name)), PROTOCOL];
  const hash = createHash('sha256').update(process.version);
  for (const file of files) hash.update(file).update('\0').update(await readFile(file)).update('\0');
  return hash.digest('hex').slice(0, 16);
}

/** Names the bundle of the current sources, for grader/cli/prestart.mjs: the one to start next time. */
const LATEST_FILE = join(CACHE_DIR, 'runner-latest');

async function pointTo(path: string): Promise<void> {
  const name = basename(path);
  if ((await readFile(LATEST_FILE, 'utf8').catch(() => '')) === name) return;
  const temp = `${LATEST_FILE}.${process.pid}.tmp`;
  await writeFile(temp, name);
  await rename(temp, LATEST_FILE);
}

/** Build (or reuse) the runner bundle; returns its path. */
export async function runnerBundle(): Promise<string> {
  const path = join(CACHE_DIR, `runner-${await sourceKey()}.mjs`);
  if (await exists(path)) {
    await pointTo(path);
    return path;
  }
  const { build } = await import('esbuild');
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
  await mkdir(CACHE_DIR, { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, code);
  await rename(temp, path);
  await pointTo(path);
  await pruneStale(path);
  return path;
}
