/**
 * The child runtime (child/host.ts with the servers and the validator) bundled
 * into one ES module, so an app process starts with plain `node file.mjs`: no
 * TypeScript loader, no loader threads, one file to allow reading.
 *
 * Kept in the bundle cache (bundle-cache.mjs) under a hash of the grader's
 * sources it is built from.
 */
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedBundle, esbuildVersion, sourceKey, tsFiles } from './bundle-cache.mjs';

const GRADER_DIR = fileURLToPath(new URL('../', import.meta.url));
const ENTRY = join(GRADER_DIR, 'sandbox', 'child', 'host.ts');
/** Folders of grader/ the runtime never imports (keeps the hash stable while they change). */
const NOT_IN_RUNTIME = ['cli', 'suite', 'reports', 'engine', 'similarity', 'demo'];

let memo: Promise<string> | undefined;

async function build(): Promise<Uint8Array> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
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
    if (NOT_IN_RUNTIME.includes(top)) throw new Error(`the app runtime imports grader/${top}/, which its cache key leaves out`);
  }
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error('esbuild produced no runtime bundle');
  return output.contents;
}

async function ensure(): Promise<string> {
  return cachedBundle('runtime', sourceKey(tsFiles(GRADER_DIR, NOT_IN_RUNTIME), [`esbuild ${esbuildVersion()}`]), build);
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
