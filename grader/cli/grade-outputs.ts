/**
 * The report files asked for on the command line (--json, --csv, --junit,
 * --html, --gradescope, --classroom). All are written, whatever the outcome
 * of each submission.
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { GradeRun } from '../results/types.ts';
import { renderClassroom } from '../reports/classroom.ts';
import { renderCsv } from '../reports/csv.ts';
import { renderGradescope } from '../reports/gradescope.ts';
import { renderHtml } from '../reports/html/index.ts';
import type { HtmlExtras } from '../reports/html/index.ts';
import { renderJson } from '../reports/json.ts';
import { renderJunit } from '../reports/junit.ts';
import { UsageError } from '../engine/options.ts';
import type { GradeArgs } from './args.ts';

type Targets = Pick<GradeArgs, 'json' | 'csv' | 'junit' | 'html' | 'gradescope' | 'classroom'>;

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then((info) => info.isDirectory(), () => false);
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((info) => !info.isDirectory(), () => false);
}

/** --gradescope names a folder when it is one, or ends with "/". */
async function gradescopeIsFolder(path: string): Promise<boolean> {
  return path.endsWith('/') || (await isDirectory(path));
}

/** Mistakes found before grading starts, so no one waits for a run whose results cannot be written. */
export async function checkTargets(targets: Targets, submissions: number): Promise<void> {
  // Several submissions: a path that does not exist yet becomes the folder; an existing file cannot.
  if (targets.gradescope !== undefined && submissions > 1 && (await isFile(targets.gradescope))) {
    throw new UsageError(`--gradescope: ${submissions} submissions need a folder (one results file each), and ${targets.gradescope} is a file`);
  }
  const files: Array<[string, string | undefined]> = [
    ['json', targets.json], ['csv', targets.csv], ['junit', targets.junit], ['html', targets.html], ['classroom', targets.classroom],
  ];
  for (const [option, path] of files) {
    if (path !== undefined && (await isDirectory(path))) throw new UsageError(`--${option}: ${path} is a folder; give a file name`);
  }
}

async function write(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text.endsWith('\n') ? text : `${text}\n`);
}

/** A file name from a submission name, safe on any file system. */
function fileNameOf(name: string): string {
  return `${name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || 'submission'}.json`;
}

export async function writeOutputs(run: GradeRun, targets: Targets, extras: HtmlExtras = {}): Promise<string[]> {
  const written: string[] = [];
  const save = async (path: string, text: string): Promise<void> => {
    await write(path, text);
    written.push(path);
  };
  if (targets.json !== undefined) await save(targets.json, renderJson(run));
  if (targets.csv !== undefined) await save(targets.csv, renderCsv(run));
  if (targets.junit !== undefined) await save(targets.junit, renderJunit(run));
  if (targets.html !== undefined) await save(targets.html, renderHtml(run, extras));
  if (targets.gradescope !== undefined) {
    const folder = await gradescopeIsFolder(targets.gradescope);
    const only = run.submissions.length === 1 ? run.submissions[0] : undefined;
    if (only !== undefined) {
      await save(folder ? join(targets.gradescope, 'results.json') : targets.gradescope, JSON.stringify(renderGradescope(only, run), null, 2));
    } else {
      for (const sub of run.submissions) await save(join(targets.gradescope, fileNameOf(sub.name)), JSON.stringify(renderGradescope(sub, run), null, 2));
    }
  }
  if (targets.classroom !== undefined) {
    const results = run.submissions.map((sub) => renderClassroom(sub, run));
    await save(targets.classroom, JSON.stringify(results.length === 1 ? results[0] : results, null, 2));
  }
  return written;
}
