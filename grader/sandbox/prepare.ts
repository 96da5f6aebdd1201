/**
 * Turns a submission (a .ts file, or a folder holding app.ts) into one ES
 * module the app process can import without a TypeScript loader. Problems
 * come back as one line a student can act on, never as a stack trace.
 */
import { createHash } from 'node:crypto';
import { lstat, mkdir, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { confineImports, type Confinement } from './confine-imports.ts';
import { outsideLinks } from './symlinks.ts';
import { META_FILE, type PreparedSubmission, type SubmissionMeta } from './types.ts';

export { META_FILE, type SubmissionMeta } from './types.ts';

export interface PreparedWithInputs {
  prepared: PreparedSubmission;
  /** The source files in the bundle (absolute); empty when it failed. */
  inputs: string[];
}

/** A folder name safe on any file system; a hash keeps sanitised names apart. */
function safeDirName(entry: string): string {
  const safe = entry.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  if (safe === entry && safe !== '') return safe;
  return `${safe.slice(0, 60)}-${createHash('sha256').update(entry).digest('hex').slice(0, 8)}`;
}

function firstError(error: unknown): string {
  const failure = error as Partial<esbuild.BuildFailure> | null;
  const message = failure?.errors?.[0];
  if (message === undefined) return error instanceof Error ? error.message.split('\n')[0]! : String(error);
  const where = message.location ? `${message.location.file}:${message.location.line}:${message.location.column + 1}: ` : '';
  return `${where}${message.text}`.split('\n')[0]!;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * The app as one function, `create(exports, require, module, …)`, that runs
 * the module's top level and returns its exports. The app process compiles it
 * once and calls it for every fresh instance: a fresh app costs microseconds
 * instead of a new import (compile, source map, file read: ~2 ms each, and
 * every copy kept in memory). "use strict" keeps ES module semantics.
 */
const FACTORY_FILE = 'app.cjs';
const FACTORY_BANNER = 'module.exports = function create(exports, require, module, __filename, __dirname) {"use strict";';
const FACTORY_FOOTER = 'return module.exports;\n};';
/** An ES module, imported anew for each fresh instance: for code a function cannot hold. */
const MODULE_FILE = 'app.mjs';

interface Built {
  bundlePath: string;
  inputs: string[];
}

/** esbuild refuses top-level await outside an ES module (a function cannot hold it). */
function isTopLevelAwaitError(error: unknown): boolean {
  return ((error as Partial<esbuild.BuildFailure> | null)?.errors ?? []).some((e) => /top-level await/i.test(e.text));
}

async function buildBundle(entry: string, sourceDir: string, outDir: string, confinement: Confinement): Promise<Built> {
  const build = (factory: boolean): Promise<esbuild.BuildResult<{ metafile: true; write: false }>> => esbuild.build({
    entryPoints: [entry],
    absWorkingDir: sourceDir,
    outfile: join(outDir, factory ? FACTORY_FILE : MODULE_FILE),
    bundle: true,
    format: factory ? 'cjs' : 'esm',
    ...(factory ? { banner: { js: FACTORY_BANNER }, footer: { js: FACTORY_FOOTER } } : {}),
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    // A fixed configuration: a tsconfig.json lying in a submission changes nothing.
    tsconfigRaw: { compilerOptions: {} },
    plugins: [confineImports(confinement)],
    metafile: true,
    logLevel: 'silent',
    write: false,
  });
  let result: esbuild.BuildResult<{ metafile: true; write: false }>;
  try {
    result = await build(true);
  } catch (error) {
    if (!isTopLevelAwaitError(error)) throw error;
    result = await build(false);
  }
  // import.meta would be empty in a function: the code needs a real ES module too.
  if (result.warnings.some((w) => w.id === 'empty-import-meta')) result = await build(false);
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error('esbuild produced no bundle');
  await writeFile(output.path, output.contents);
  return { bundlePath: output.path, inputs: Object.keys(result.metafile.inputs).map((input) => resolve(sourceDir, input)) };
}

export async function bundleSubmission(sourcePath: string, workDir: string): Promise<PreparedWithInputs> {
  const absolute = resolve(sourcePath);
  const entryName = basename(absolute);
  const isTsFile = entryName.endsWith('.ts');
  const name = isTsFile ? entryName.slice(0, -3) : entryName;
  const failed = (loadError: string): PreparedWithInputs => ({
    prepared: { ok: false, name, sourcePath, loadError },
    inputs: [],
  });

  const info = await stat(absolute).catch(() => undefined);
  if (info === undefined) return failed(`no such file or folder: ${sourcePath}`);

  let entry: string;
  let sourceDir: string;
  let confinement: Confinement;
  let studentEntry: string;
  if (info.isDirectory()) {
    sourceDir = await realpath(absolute);
    entry = join(sourceDir, 'app.ts');
    if (!(await exists(entry)) || !(await lstat(entry)).isFile()) return failed(`no app.ts in ${sourcePath}`);
    studentEntry = 'app.ts';
    confinement = { kind: 'dir', dir: sourceDir };
    const linkProblem = await outsideLinks(sourceDir);
    if (linkProblem !== undefined) return failed(linkProblem);
  } else if (info.isFile() && isTsFile) {
    entry = await realpath(absolute);
    sourceDir = dirname(entry);
    studentEntry = basename(entry);
    confinement = { kind: 'file', file: entry };
  } else {
    return failed(`${sourcePath} is not a .ts file — a submission is a .ts file or a folder holding app.ts`);
  }

  const outDir = join(resolve(workDir), safeDirName(entryName));
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });

  let built: Built;
  try {
    built = await buildBundle(entry, sourceDir, outDir, confinement);
  } catch (error) {
    await rm(outDir, { recursive: true, force: true });
    return failed(firstError(error));
  }
  const { bundlePath, inputs } = built;

  const meta: SubmissionMeta = {
    name,
    entryName: studentEntry,
    readPath: confinement.kind === 'dir' ? confinement.dir : confinement.file,
  };
  await writeFile(join(outDir, META_FILE), `${JSON.stringify(meta, null, 2)}\n`);
  return { prepared: { ok: true, name, sourcePath, sourceDir, bundlePath }, inputs };
}

/**
 * Bundle a submission into `<workDir>/<entry name>/app.cjs` (a factory, see
 * FACTORY_FILE) or, for code that needs an ES module, `app.mjs`: node20,
 * node builtins external, inline source map so stack traces show the
 * student's file:line. Never throws for a student's mistake: it returns
 * `{ ok: false, loadError }` with one line instead.
 */
export async function prepareSubmission(sourcePath: string, workDir: string): Promise<PreparedSubmission> {
  return (await bundleSubmission(sourcePath, workDir)).prepared;
}
