/**
 * Builds the archive to upload to Gradescope ("Configure Autograder" → zip):
 * setup.sh and run_autograder at its root (Gradescope's requirement), next to
 * what the grader needs to run: package.json, the lock file, tsconfig, and
 * grader/. No solution, no tests of the project, no node_modules (setup.sh
 * runs `npm ci`).
 *
 *   tsx autograder/gradescope/build-zip.ts [--tests hidden-tests/] [--typecheck] [--out FILE]
 *
 * --tests adds an instructor's hidden suite files (*.suite.ts) as
 * hidden-tests/, which run_autograder passes to the grader. --typecheck
 * writes grade-options, one grader option a line, which run_autograder
 * passes too: a submission with a type error then scores 0.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ZipEntry } from './zip.ts';
import { buildZip } from './zip.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
export const PROJECT_ROOT = resolve(HERE, '..', '..');

/** Files and folders of the project the grader needs at run time. */
const INCLUDED = ['package.json', 'package-lock.json', 'tsconfig.json', 'vitest.config.ts', 'grader'];
const SKIPPED_NAMES = new Set(['node_modules', '.git', '.cache', '.DS_Store']);

function walk(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (SKIPPED_NAMES.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...walk(path));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

const zipName = (path: string, base: string): string => relative(base, path).split(sep).join('/');

function fileEntry(path: string, name: string): ZipEntry {
  const executable = (statSync(path).mode & 0o111) !== 0;
  return { name, data: readFileSync(path), mode: executable ? 0o755 : 0o644 };
}

export interface ZipPlan {
  root: string;
  /** Folder of hidden suite files to add as hidden-tests/. */
  testsDir?: string;
  /** Options of `npm run grade` that run_autograder adds, written to grade-options. */
  gradeOptions?: string[];
}

/** The archive's entries, in a stable order. */
export function zipEntries(plan: ZipPlan): ZipEntry[] {
  const entries: ZipEntry[] = [
    { ...fileEntry(join(HERE, 'setup.sh'), 'setup.sh'), mode: 0o755 },
    { ...fileEntry(join(HERE, 'run_autograder'), 'run_autograder'), mode: 0o755 },
  ];
  for (const item of INCLUDED) {
    const path = join(plan.root, item);
    if (!existsSync(path)) {
      if (item === 'package-lock.json') throw new Error('package-lock.json is missing: setup.sh runs npm ci, which needs it');
      continue;
    }
    const files = statSync(path).isDirectory() ? walk(path) : [path];
    for (const file of files) entries.push(fileEntry(file, zipName(file, plan.root)));
  }
  if (plan.testsDir) {
    const suites = readdirSync(plan.testsDir).filter((n) => n.endsWith('.ts')).sort();
    if (!suites.some((n) => n.endsWith('.suite.ts'))) throw new Error(`no *.suite.ts files in ${plan.testsDir}`);
    for (const name of suites) entries.push(fileEntry(join(plan.testsDir, name), `hidden-tests/${name}`));
  }
  if (plan.gradeOptions !== undefined && plan.gradeOptions.length > 0) {
    entries.push({ name: 'grade-options', data: Buffer.from(`${plan.gradeOptions.join('\n')}\n`), mode: 0o644 });
  }
  return entries;
}

const HELP = `Build the Gradescope autograder archive.

Usage: npm run autograder:zip -- [options]

Options:
  --tests DIR     ship DIR/*.suite.ts as hidden tests (run on every submission)
  --typecheck     grade with --typecheck: a submission with a type error scores 0
  --out FILE      where to write the zip (default: grade-results/gradescope/autograder.zip)
  --help          this text`;

function main(): void {
  const { values } = parseArgs({
    options: { tests: { type: 'string' }, typecheck: { type: 'boolean' }, out: { type: 'string' }, help: { type: 'boolean' } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const out = resolve(values.out ?? join(PROJECT_ROOT, 'grade-results', 'gradescope', 'autograder.zip'));
  const entries = zipEntries({
    root: PROJECT_ROOT,
    ...(values.tests ? { testsDir: resolve(values.tests) } : {}),
    ...(values.typecheck ? { gradeOptions: ['--typecheck'] } : {}),
  });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, buildZip(entries));
  const hidden = entries.filter((e) => e.name.startsWith('hidden-tests/')).length;
  process.stdout.write(`wrote ${out}: ${entries.length} files${hidden > 0 ? ` (${hidden} hidden test files)` : ''}\n` +
    'Upload it in Gradescope: assignment → Configure Autograder → Zip file upload.\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (error) {
    const usage = (error as { code?: unknown } | null)?.code?.toString().startsWith('ERR_PARSE_ARGS') === true;
    process.stderr.write(`build-zip: ${error instanceof Error ? error.message : String(error)}${usage ? ' (see --help)' : ''}\n`);
    process.exitCode = 1;
  }
}
