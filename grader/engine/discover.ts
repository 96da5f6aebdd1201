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
import { commitOf } from './git-commit.ts';
import { UsageError } from './options.ts';

export interface SubmissionSource {
  name: string;
  /** The path as the user wrote it (or the class folder joined with the entry). */
  path: string;
  /** Absolute path handed to prepareSubmission(): a folder holding app.ts, or a .ts file (it may not exist: a load error). */
  sourcePath: string;
  /** The commit its git repository was at, when it is in one (see git-commit.ts). */
  commit?: string;
}


export interface SuiteFile {
  /** Absolute path of a *.suite.ts file. */
  path: string;
  visibility: 'visible' | 'hidden';
}

/** Where a commit is looked for: from the submission upwards, no higher than `upTo`. */
interface Located extends SubmissionSource {
  /** Absent: not looked for. */
  gitFrom?: string;
  gitUpTo?: string;
}

/** A student's repository of this kit (a clone or a fork) keeps the app in starter/app.ts. */
const KIT_APP = join('starter', 'app.ts');

const PUBLIC_SUITES = fileURLToPath(new URL('../suite/tests/', import.meta.url));

async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}

const isSubmissionFile = (name: string): boolean => name.endsWith('.ts') && !name.endsWith('.d.ts');

async function expand(path: string): Promise<Located[]> {
  const absolute = resolve(path);
  const info = await statOrUndefined(absolute);
  if (info === undefined) {
    // A missing .ts file is a submission that cannot load; anything else is a typo.
    if (isSubmissionFile(absolute)) return [{ name: nameOfFile(absolute), path, sourcePath: absolute, gitFrom: dirname(absolute) }];
    throw new UsageError(`no such file or folder: ${path}`);
  }
  if (info.isFile()) {
    if (!isSubmissionFile(absolute)) throw new UsageError(`not a submission: ${path} (give a .ts file, a folder with app.ts, or a class folder)`);
    // "starter/app.ts" means the folder: app.ts may import its siblings.
    if (basename(absolute) === 'app.ts') return [{ name: basename(dirname(absolute)), path, sourcePath: dirname(absolute), gitFrom: dirname(absolute) }];
    return [{ name: nameOfFile(absolute), path, sourcePath: absolute, gitFrom: dirname(absolute) }];
  }
  if (!info.isDirectory()) throw new UsageError(`not a file or folder: ${path}`);
  if (await statOrUndefined(join(absolute, 'app.ts'))) return [{ name: basename(absolute), path, sourcePath: absolute, gitFrom: absolute }];
  if (await statOrUndefined(join(absolute, KIT_APP))) {
    return [{ name: basename(absolute), path: join(path, 'starter'), sourcePath: join(absolute, 'starter'), gitFrom: absolute }];
  }

  const entries = (await readdir(absolute, { withFileTypes: true }))
    .filter((entry) => !entry.name.startsWith('.') && entry.name !== 'node_modules')
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const sources: Located[] = [];
  for (const entry of entries) {
    const entryPath = join(path, entry.name);
    const entryAbsolute = join(absolute, entry.name);
    if (entry.isDirectory()) {
      // A folder without app.ts is still a student's submission: it gets a load error, not silence.
      const kitRepository = !(await statOrUndefined(join(entryAbsolute, 'app.ts'))) && (await statOrUndefined(join(entryAbsolute, KIT_APP))) !== undefined;
      const [where, sourcePath] = kitRepository ? [join(entryPath, 'starter'), join(entryAbsolute, 'starter')] : [entryPath, entryAbsolute];
      sources.push({ name: entry.name, path: where, sourcePath, gitFrom: entryAbsolute, gitUpTo: entryAbsolute });
    } else if (entry.isFile() && isSubmissionFile(entry.name)) {
      // A lone .ts file in a class folder has no repository of its own.
      sources.push({ name: nameOfFile(entry.name), path: entryPath, sourcePath: entryAbsolute });
    }
  }
  if (sources.length === 0) throw new UsageError(`no submissions in ${path} (expected app.ts, .ts files, or folders with app.ts)`);
  return sources;
}

/** "starter/app.ts" is named "starter"; "alice.ts" is named "alice" (as the sandbox names it). */
function nameOfFile(path: string): string {
  return basename(path) === 'app.ts' ? basename(dirname(path)) : basename(path, '.ts');
}

export async function discoverSubmissions(paths: readonly string[]): Promise<SubmissionSource[]> {
  const located = (await Promise.all(paths.map(expand))).flat();
  const sources = await Promise.all(located.map(async ({ gitFrom, gitUpTo, ...source }): Promise<SubmissionSource> => {
    const commit = gitFrom === undefined ? undefined : await commitOf(gitFrom, gitUpTo);
    return commit === undefined ? source : { ...source, commit };
  }));
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
