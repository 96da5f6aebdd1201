// `npm run grade`: grade.ts without a TypeScript loader. tsx's hooks cost the grader ~0.4 s of start
// and ~0.8 s of CPU (its loader thread compiles every module of the engine and reports), CPU the
// runner needs while it loads vitest. grade.ts and what it imports are bundled once by esbuild into
// node_modules/.cache/todo-wsgi/grade-<hash of the grader's sources>.mjs and imported from there; a
// changed source makes a new bundle. Plain JavaScript, as nothing can load TypeScript yet.
import './prestart.mjs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cachedBundle, esbuildVersion, PROJECT_DIR, sourceKey, tsFiles } from '../sandbox/bundle-cache.mjs';

const GRADER = join(PROJECT_DIR, 'grader');

/** Each module keeps its own import.meta.url: the engine finds its suites, register.ts and assets from it. */
const ownUrls = {
  name: 'todo-wsgi:own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.(ts|mjs)$/ }, async (args) => ({
      contents: (await readFile(args.path, 'utf8')).replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
      loader: args.path.endsWith('.ts') ? 'ts' : 'js',
    }));
  },
};

/** grade.ts and everything it imports from grader/, as one ES module (packages stay imports). */
async function buildBundle() {
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
  return code;
}

// Every TypeScript file of grader/ (a superset of what grade.ts imports), the plain modules it
// bundles, the tsconfig and the bundler's version.
const plain = [fileURLToPath(import.meta.url), fileURLToPath(new URL('../sandbox/bundle-cache.mjs', import.meta.url)), join(PROJECT_DIR, 'tsconfig.json')];
const bundle = await cachedBundle('grade', sourceKey([...plain, ...tsFiles(GRADER)], [`esbuild ${esbuildVersion()}`]), buildBundle);
await import(pathToFileURL(bundle).href);
