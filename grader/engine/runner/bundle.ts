/**
 * child.ts as one plain ES module that `node` runs without tsx, kept in the
 * bundle cache (sandbox/bundle-cache.mjs) under a hash of its sources, so a
 * grade that finds it already built starts the runner without calling
 * esbuild at all.
 *
 * child.ts imports only files of this folder and ../protocol.ts: the key
 * covers exactly those.
 */
import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir, cachedBundle, sourceKey } from '../../sandbox/bundle-cache.mjs';

const HERE = fileURLToPath(new URL('./', import.meta.url));
const ENTRY = join(HERE, 'child.ts');
const PROTOCOL = fileURLToPath(new URL('../protocol.ts', import.meta.url));

async function sourceFiles(): Promise<string[]> {
  return [...(await readdir(HERE)).filter((name) => name.endsWith('.ts')).sort().map((name) => join(HERE, name)), PROTOCOL];
}

/** Names the bundle of the current sources, for grader/cli/prestart.mjs: the one to start next time. */
function latestFile(): string {
  return join(cacheDir(), 'runner-latest');
}

async function pointTo(path: string): Promise<void> {
  const name = basename(path);
  if ((await readFile(latestFile(), 'utf8').catch(() => '')) === name) return;
  const temp = `${latestFile()}.${process.pid}.tmp`;
  await writeFile(temp, name);
  await rename(temp, latestFile());
}

async function build(): Promise<Uint8Array> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
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
  return code;
}

/** Build (or reuse) the runner bundle; returns its path. */
export async function runnerBundle(): Promise<string> {
  const path = await cachedBundle('runner', sourceKey(await sourceFiles(), [process.version]), build);
  await pointTo(path);
  return path;
}
