// The on-disk cache of the kit's esbuild bundles (the grader's launcher, the vitest runner, the app
// processes' runtime): one file per version of its sources, named `<name>-<hash of the sources>.mjs`
// under node_modules/.cache/todo-wsgi (so bare imports resolve from the project), or the temp folder
// when that cannot be written. Several graders may race to build the same bundle: each writes a
// temp file and renames it, so a reader sees a whole file or none. Bundles of other versions are
// removed once unused for a day (another checkout may share the cache).
//
// Plain JavaScript: the launcher (grader/cli/grade.mjs) uses it before anything can load TypeScript.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_DIR = fileURLToPath(new URL('../../', import.meta.url));
const PREFERRED_DIR = join(PROJECT_DIR, 'node_modules', '.cache', 'todo-wsgi');
const STALE_MS = 24 * 60 * 60 * 1000;

let dir;
/** The cache folder, made if needed. */
export function cacheDir() {
  if (dir !== undefined) return dir;
  try {
    mkdirSync(PREFERRED_DIR, { recursive: true });
    dir = PREFERRED_DIR;
  } catch {
    dir = join(tmpdir(), 'todo-wsgi-cache');
    mkdirSync(dir, { recursive: true });
  }
  return dir;
}

/** The .ts files below `root`, sorted; top-level folders named in `skip` left out. */
export function tsFiles(root, skip = []) {
  const out = [];
  const walk = (folder, top) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (top && skip.includes(entry.name)) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path, false);
      else if (entry.isFile() && entry.name.endsWith('.ts')) out.push(path);
    }
  };
  walk(root, true);
  return out.sort();
}

/** A short hash of some strings and of files' names and contents: the version a bundle is built from. */
export function sourceKey(files, extra = []) {
  const hash = createHash('sha256');
  for (const text of extra) hash.update(text).update('\0');
  for (const file of files) hash.update(file).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 16);
}

/** The esbuild version: a new bundler makes new bundles. */
export function esbuildVersion() {
  return JSON.parse(readFileSync(join(PROJECT_DIR, 'node_modules', 'esbuild', 'package.json'), 'utf8')).version;
}

function pruneStale(folder, name, keep) {
  const pattern = new RegExp(`^${name}-[0-9a-f]+\\.mjs(\\..*\\.tmp)?$`);
  for (const entry of readdirSync(folder)) {
    const path = join(folder, entry);
    if (path === keep || !pattern.test(entry)) continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_MS) rmSync(path, { force: true });
    } catch {
      // Removed meanwhile by another grader.
    }
  }
}

/** Where the bundle `name` of version `key` is (or will be). */
export function bundlePath(name, key) {
  return join(cacheDir(), `${name}-${key}.mjs`);
}

/** The bundle `name` of version `key`: its path, built by `build()` (its code) first if it is not there yet. */
export async function cachedBundle(name, key, build) {
  const path = bundlePath(name, key);
  if (existsSync(path)) return path;
  const code = await build();
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, code);
    renameSync(temp, path);
  } finally {
    rmSync(temp, { force: true });
  }
  pruneStale(cacheDir(), name, path);
  return path;
}
