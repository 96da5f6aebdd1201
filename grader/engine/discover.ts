/**
 * Paths given to the grader → submissions, and the suite files to run.
 *
 * A path is a submission (a .ts file, or a folder with app.ts) or a class
 * folder (a folder without app.ts: each entry — a folder or a .ts file — is a
 * submission, named by the entry).
 */
import { readdir, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SuiteFile } from './protocol.ts';
import { UsageError } from './options.ts';

export interface SubmissionSource {
  name: string;
  /** The path as the user wrote it (or the class folder joined with the entry). */
  path: string;
  /** Absolute path handed to prepareSubmission(): a folder holding app.ts, or a .ts file (it may not exist: a load error). */
  sourcePath: string;
}

const PUBLIC_SUITES = fileURLToPath(new URL('../suite/tests/', import.meta.url));

async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}

const isSubmissionFile = (name: string): boolean => name.endsWith('.ts') && !name.endsWith('.d.ts');

async function expand(path: string): Promise<SubmissionSource[]> {
  const absolute = resolve(path);
  const info = await statOrUndefined(absolute);
  if (info === undefined) {
    // A missing .ts file is a submission that cannot load; anything else is a typo.
    if (isSubmissionFile(absolute)) return [{ name: nameOfFile(absolute), path, sourcePath: absolute }];
    throw new UsageError(`no such file or folder: ${path}`);
  }
  if (info.isFile()) {
    if (!isSubmissionFile(absolute)) throw new UsageError(`not a submission: ${path} (give a .ts file, a folder with app.ts, or a class folder)`);
    // "starter/app.ts" means the folder: app.ts may import its siblings.
    if (basename(absolute) === 'app.ts') return [{ name: basename(dirname(absolute)), path, sourcePath: dirname(absolute) }];
    return [{ name: nameOfFile(absolute), path, sourcePath: absolute }];
  }
  if (!info.isDirectory()) throw new UsageError(`not a file or folder: ${path}`);
  if (await statOrUndefined(join(absolute, 'app.ts'))) return [{ name: basename(absolute), path, sourcePath: absolute }];

  const entries = (await readdir(absolute, { withFileTypes: true }))
    .filter((entry) => !entry.name.startsWith('.') && entry.name !== 'node_modules')
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const sources: SubmissionSource[] = [];
  for (const entry of entries) {
    const entryPath = join(path, entry.name);
    // A folder without app.ts is still a student's submission: it gets a load error, not silence.
    if (entry.isDirectory()) sources.push({ name: entry.name, path: entryPath, sourcePath: join(absolute, entry.name) });
    else if (entry.isFile() && isSubmissionFile(entry.name)) sources.push({ name: nameOfFile(entry.name), path: entryPath, sourcePath: join(absolute, entry.name) });
  }
  if (sources.length === 0) throw new UsageError(`no submissions in ${path} (expected app.ts, .ts files, or folders with app.ts)`);
  return sources;
}

/** "starter/app.ts" is named "starter"; "alice.ts" is named "alice" (as the sandbox names it). */
function nameOfFile(path: string): string {
  return basename(path) === 'app.ts' ? basename(dirname(path)) : basename(path, '.ts');
}

export async function discoverSubmissions(paths: readonly string[]): Promise<SubmissionSource[]> {
  const sources = (await Promise.all(paths.map(expand))).flat();
  // Names key every report: make them unique.
  const seen = new Map<string, number>();
  return sources.map((source) => {
    const count = (seen.get(source.name) ?? 0) + 1;
    seen.set(source.name, count);
    return count === 1 ? source : { ...source, name: `${source.name} (${count})` };
  });
}

async function suiteFilesIn(dir: string, visibility: SuiteFile['visibility']): Promise<SuiteFile[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.suite.ts')).sort();
  return names.map((name) => ({ path: join(dir, name), visibility }));
}

/** The public suites (or `publicFiles` instead), then the hidden ones from `testsDir`. */
export async function suiteFiles(testsDir: string | undefined, publicFiles?: readonly string[]): Promise<SuiteFile[]> {
  const files = publicFiles !== undefined
    ? publicFiles.map((path): SuiteFile => ({ path, visibility: 'visible' }))
    : await suiteFilesIn(PUBLIC_SUITES, 'visible').catch(() => []);
  if (testsDir !== undefined) {
    const info = await statOrUndefined(testsDir);
    if (!info?.isDirectory()) throw new UsageError(`--tests: no such folder: ${testsDir}`);
    const hidden = await suiteFilesIn(resolve(testsDir), 'hidden');
    if (hidden.length === 0) throw new UsageError(`--tests: no *.suite.ts files in ${testsDir}`);
    files.push(...hidden);
  }
  return files;
}
