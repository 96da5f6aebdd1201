/**
 * The child runtime (child/host.ts with the servers and the validator) bundled
 * into one ES module, so an app process starts with plain `node file.mjs`: no
 * TypeScript loader, no loader threads, one file to allow reading.
 *
 * Cached on disk under a hash of the grader's sources; several grader
 * processes may race to build it, so it is written to a temp file and renamed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const GRADER_DIR = fileURLToPath(new URL('../', import.meta.url));
const PROJECT_DIR = join(GRADER_DIR, '..');
const ENTRY = join(GRADER_DIR, 'sandbox', 'child', 'host.ts');
/** Folders of grader/ the runtime never imports (keeps the hash stable while they change). */
const NOT_IN_RUNTIME = new Set(['cli', 'suite', 'reports']);

/** Older runtimes are removed once they have not been rebuilt for this long (another checkout may still use one). */
const STALE_MS = 24 * 60 * 60 * 1000;

let memo: Promise<string> | undefined;

async function sourceFiles(dir: string, top: boolean): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (top && NOT_IN_RUNTIME.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await sourceFiles(path, false)));
    else if (entry.isFile() && entry.name.endsWith('.ts')) files.push(path);
  }
  return files;
}

async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  const esbuild = await import('esbuild');
  hash.update(`esbuild ${esbuild.version}\0`);
  const files = (await sourceFiles(GRADER_DIR, true)).sort();
  for (const file of files) {
    hash.update(`${relative(GRADER_DIR, file)}\0`);
    hash.update(await readFile(file));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 20);
}

async function cacheDir(): Promise<string> {
  const preferred = join(PROJECT_DIR, 'node_modules', '.cache', 'todo-wsgi');
  try {
    await mkdir(preferred, { recursive: true });
    return preferred;
  } catch {
    const fallback = join(tmpdir(), 'todo-wsgi-cache');
    await mkdir(fallback, { recursive: true });
    return fallback;
  }
}

async function build(target: string): Promise<void> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    outfile: target,
    // No source map: under --enable-source-maps, parsing an inline map of this size
    // costs ~100 ms of CPU at every app process start. Names are kept (no minify),
    // so stack traces through the server stay readable.
    sourcemap: false,
    logLevel: 'silent',
    legalComments: 'none',
    metafile: true,
  });
  // The cache key must cover every grader file the runtime contains.
  for (const input of Object.keys(result.metafile.inputs)) {
    const top = relative(GRADER_DIR, join(process.cwd(), input)).split(/[\\/]/)[0] ?? '';
    if (NOT_IN_RUNTIME.has(top)) throw new Error(`the app runtime imports grader/${top}/, which its cache key leaves out`);
  }
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error('esbuild produced no runtime bundle');
  const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, output.contents);
    await rename(temp, target);
  } finally {
    await rm(temp, { force: true });
  }
}

async function pruneStale(dir: string, keep: string): Promise<void> {
  for (const name of await readdir(dir).catch(() => [])) {
    const path = join(dir, name);
    if (path === keep || !/^runtime-[0-9a-f]+\.mjs(\..*\.tmp)?$/.test(name)) continue;
    const info = await stat(path).catch(() => undefined);
    if (info !== undefined && Date.now() - info.mtimeMs > STALE_MS) await rm(path, { force: true });
  }
}

async function ensure(): Promise<string> {
  const dir = await cacheDir();
  const target = join(dir, `runtime-${await sourceHash()}.mjs`);
  if (!existsSync(target)) {
    await build(target);
    await pruneStale(dir, target);
  }
  return target;
}

/** The runtime another process of this grade found (a vitest worker gets it from the grader): no hashing again. */
export function adoptRuntimeBundle(path: string): void {
  memo ??= Promise.resolve(path);
}

/** Path of the bundled child runtime; built at most once per process (and once per source version on disk). */
export function ensureRuntimeBundle(): Promise<string> {
  memo ??= ensure().catch((error: unknown) => {
    memo = undefined;
    throw error;
  });
  return memo;
}
