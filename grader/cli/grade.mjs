// `npm run grade`: grade.ts without a TypeScript loader. tsx's hooks cost the grader ~0.4 s of start
// and ~0.8 s of CPU (its loader thread compiles every module of the engine and reports), CPU the
// runner needs while it loads vitest. grade.ts and what it imports are bundled once by esbuild into
// node_modules/.cache/todo-wsgi/grade-<hash of the grader's sources>.mjs and imported from there; a
// changed source makes a new bundle. Plain JavaScript, as nothing can load TypeScript yet.
import './prestart.mjs';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GRADER = join(ROOT, 'grader');
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'todo-wsgi');
/** Bundles of older sources are removed once unused this long (another checkout may share the cache). */
const STALE_MS = 24 * 60 * 60 * 1000;

function tsFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFiles(path));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out.sort();
}

/** Every TypeScript file of grader/ (a superset of what grade.ts imports), this file and the bundler's version. */
function sourceKey() {
  const hash = createHash('sha256');
  const esbuild = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'esbuild', 'package.json'), 'utf8')).version;
  hash.update(`esbuild ${esbuild}\0`).update(readFileSync(fileURLToPath(import.meta.url))).update(readFileSync(join(ROOT, 'tsconfig.json')));
  for (const file of tsFiles(GRADER)) hash.update(file).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 16);
}

/** Each module keeps its own import.meta.url: the engine finds its suites, register.ts and assets from it. */
const ownUrls = {
  name: 'todo-wsgi:own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => ({
      contents: (await readFile(args.path, 'utf8')).replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
      loader: 'ts',
    }));
  },
};

async function buildBundle(path) {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(GRADER, 'cli', 'grade.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'silent',
    plugins: [ownUrls],
  });
  const code = result.outputFiles[0]?.contents;
  if (code === undefined) throw new Error('esbuild produced no grader bundle');
  mkdirSync(CACHE_DIR, { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, code);
  renameSync(temp, path);
  for (const name of readdirSync(CACHE_DIR)) {
    const other = join(CACHE_DIR, name);
    if (other === path || !/^grade-[0-9a-f]+\.mjs(\..*\.tmp)?$/.test(name)) continue;
    try {
      if (Date.now() - statSync(other).mtimeMs > STALE_MS) rmSync(other, { force: true });
    } catch {
      // Removed meanwhile by another grader.
    }
  }
}

const bundle = join(CACHE_DIR, `grade-${sourceKey()}.mjs`);
if (!existsSync(bundle)) await buildBundle(bundle);
await import(pathToFileURL(bundle).href);
