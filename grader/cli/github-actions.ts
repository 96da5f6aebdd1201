/**
 * `--github`: the grading step of a GitHub Actions workflow
 * (autograder/github/grade.yml). Appends the job summary to the file named by
 * GITHUB_STEP_SUMMARY, the step outputs to GITHUB_OUTPUT (when set), and
 * prints one annotation per failing test on stdout, where the runner reads
 * workflow commands.
 *
 * The terminal report shows what the app printed, and a line of it could be
 * a workflow command; it is printed between `::stop-commands::TOKEN` and
 * `::TOKEN::` (GitHub Docs, "Stopping and starting workflow commands"), with
 * a token the app cannot guess.
 */
import { randomBytes } from 'node:crypto';
import { appendFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { repositoryRoot } from '../engine/git-commit.ts';
import { UsageError } from '../engine/options.ts';
import type { GradeRun, SubmissionResult } from '../results/types.ts';
import { githubAnnotations, githubOutputs, githubSummary, workflowCommand } from '../reports/github.ts';
import type { RegradeDiff } from '../reports/regrade.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** Before grading: the summary file is what --github is for. */
export function checkGithubEnv(env: Env): void {
  if (!env.GITHUB_STEP_SUMMARY) {
    throw new UsageError('--github: GITHUB_STEP_SUMMARY is not set (GitHub Actions sets it; to try it elsewhere, set it to a file name)');
  }
}

/** The folder a submission's locations are relative to: its own, or the .ts file's. */
function folderOf(sub: SubmissionResult): string {
  const path = resolve(sub.path);
  return /\.[cm]?tsx?$/.test(path) ? dirname(path) : path;
}

/**
 * An annotation names a file relative to the repository it is in (GitHub
 * places it on that path of the commit); the runner only rewrites absolute
 * paths under the workspace, and the student's repository is checked out in
 * a folder of it. Outside any repository: relative to the workspace, or the
 * current folder.
 */
async function pathFinder(run: GradeRun, env: Env): Promise<(sub: SubmissionResult, file: string) => string> {
  const roots = new Map<string, string | undefined>();
  for (const sub of run.submissions) roots.set(sub.name, await repositoryRoot(folderOf(sub)));
  return (sub, file) => {
    const absolute = resolve(folderOf(sub), file);
    const root = roots.get(sub.name) ?? env.GITHUB_WORKSPACE ?? process.cwd();
    const inside = relative(root, absolute);
    return inside.startsWith('..') || isAbsolute(inside) ? absolute : inside.split(sep).join('/');
  };
}

/** Writes the summary and outputs, prints the report (fenced) and the annotations; returns print()'s exit code. */
export async function reportToGithub(run: GradeRun, env: Env, print: () => number, regrade?: RegradeDiff, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  checkGithubEnv(env);
  await appendFile(env.GITHUB_STEP_SUMMARY!, githubSummary(run, regrade));
  if (env.GITHUB_OUTPUT) await appendFile(env.GITHUB_OUTPUT, githubOutputs(run).map(([k, v]) => `${k}=${v}\n`).join(''));
  const token = randomBytes(16).toString('hex');
  out.write(`::stop-commands::${token}\n`);
  const code = print();
  out.write(`::${token}::\n`);
  const pathFor = await pathFinder(run, env);
  for (const annotation of githubAnnotations(run, pathFor)) out.write(`${workflowCommand(annotation)}\n`);
  return code;
}
