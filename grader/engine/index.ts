/**
 * The grading engine's programmatic API, used by `npm run grade`, the
 * project's tests, the bench and the Gradescope autograder.
 *
 * One run: discover submissions → prepare (bundle) each into a temp folder →
 * one generated vitest entry file per submission → ONE vitest run over all of
 * them in a runner process (workers grade submissions in parallel) → the
 * results model.
 */
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GradeRun, SandboxReport, ServerName, SubmissionResult } from '../results/types.ts';
import { DEFAULT_TEST_SERVERS } from '../servers/names.ts';
import type { TypeChecker } from '../sandbox/typecheck.ts';
import type { PreparedSubmission } from '../sandbox/types.ts';
import { ensureRuntimeBundle } from '../sandbox/runtime-bundle.ts';
import { sandboxReport } from '../sandbox/report.ts';
import { buildCatalog, collectSubmission } from './collect.ts';
import { discoverSubmissions, suiteFiles } from './discover.ts';
import type { SubmissionSource } from './discover.ts';
import { writeEntry } from './entries.ts';
import { prepareJobs, prepareWhile } from './prepare.ts';
import type { PrepareJob } from './prepare.ts';
import { resolveOptions, UsageError } from './options.ts';
import type { GradeOptions, ProgressEvent, ResolvedOptions } from './options.ts';
import type { ModuleReport, SubmissionConfig, SuiteFile } from './protocol.ts';
import { RunnerSession } from './runner/session.ts';
import { processesPerServer, runnerSettings } from './runner/settings.ts';

export type { GradeOptions, ProgressEvent, ResolvedOptions } from './options.ts';
export { DEFAULTS, UsageError, resolveOptions } from './options.ts';
export type { SubmissionSource } from './discover.ts';
export { discoverSubmissions } from './discover.ts';

/**
 * The servers the reports show: those of the run some test ran on (every
 * tier's tests name theirs: `--tier core` never starts prefork), or the
 * run's when nothing ran at all (every submission failed to load).
 */
function serversRun(options: ResolvedOptions, submissions: readonly SubmissionResult[]): ServerName[] {
  const used = options.servers.filter((server) => submissions.some((sub) => sub.tests.some((test) => test.outcomes[server] !== undefined)));
  return used.length > 0 ? used : options.servers.filter((server) => DEFAULT_TEST_SERVERS.includes(server));
}

function gradeRunOf(options: ResolvedOptions, startedAt: Date, submissions: SubmissionResult[]): GradeRun {
  return {
    tool: 'todo-wsgi',
    version: 1,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    node: process.version,
    options: {
      tiers: options.tiers,
      servers: serversRun(options, submissions),
      ...(options.only.length === 0 ? {} : { only: options.only }),
      seed: options.seed,
      runs: options.runs,
      requestTimeoutMs: options.requestTimeoutMs,
      startTimeoutMs: options.startTimeoutMs,
      submissionTimeoutMs: options.submissionTimeoutMs,
      hiddenTests: options.testsDir !== undefined,
      typecheck: options.typecheck,
    },
    submissions,
  };
}

/** A broken suite file is the instructor's problem, not the submission's: stop with its message. */
function suiteProblem(reports: Iterable<ModuleReport>): string | undefined {
  for (const report of reports) {
    const error = report.errors.find((e) => e.name === 'SuiteLoadError');
    if (error !== undefined) return error.message;
  }
  return undefined;
}

/**
 * A grader keeps its runner process (vitest, loaded once) between runs:
 * `--watch` regrades without paying for vitest's start again.
 */
export class Grader {
  readonly options: ResolvedOptions;
  private readonly session: RunnerSession;

  private constructor(options: GradeOptions) {
    this.options = resolveOptions(options);
    this.session = new RunnerSession(runnerSettings(this.options));
  }

  /**
   * A grader whose runner (vitest, the slowest part to load) starts now, so
   * whatever the caller does next overlaps with it. Throws UsageError for
   * options that do not hold.
   */
  static start(options: GradeOptions = {}): Grader {
    return new Grader(options);
  }

  /** Grade every submission found under `paths`. Rejects with UsageError for a mistake in the call. */
  async grade(paths: readonly string[], onProgress?: (event: ProgressEvent) => void): Promise<GradeRun> {
    const options = this.options;
    const startedAt = new Date();
    const sources = await discoverSubmissions(paths);
    const suites = await suiteFiles(options.testsDir, options.suiteFiles);
    if (suites.length === 0) throw new UsageError('no suite files to run (grader/suite/tests/*.suite.ts is empty)');

    // realpath: vitest reports modules by their real path (macOS's /var is /private/var).
    const runDir = await realpath(await mkdtemp(join(tmpdir(), 'todo-wsgi-')));
    try {
      const submissions = await gradeIn(this.session, runDir, sources, suites, options, onProgress);
      return gradeRunOf(options, startedAt, submissions);
    } finally {
      await rm(runDir, { recursive: true, force: true });
    }
  }

  async close(): Promise<void> {
    await this.session.close();
  }

  /** Stop at once (Ctrl-C): a grade() under way rejects, after removing its temp folder. */
  abort(): void {
    this.session.abort();
  }
}

/** Grade every submission found under `paths` (one runner process, closed at the end). */
export async function grade(paths: readonly string[], options: GradeOptions = {}, onProgress?: (event: ProgressEvent) => void): Promise<GradeRun> {
  const grader = Grader.start(options);
  try {
    return await grader.grade(paths, onProgress);
  } finally {
    await grader.close();
  }
}

/** One checker per process: --watch regrades without loading TypeScript and its declarations again. */
let sharedChecker: Promise<TypeChecker> | undefined;

/** The load error of each submission with a type error (by index), checked one after the other. */
async function typeErrors(
  jobs: readonly PrepareJob[],
  onProgress: ((event: ProgressEvent) => void) | undefined,
): Promise<Array<PreparedSubmission | undefined>> {
  sharedChecker ??= import('../sandbox/typecheck.ts').then(({ TypeChecker }) => TypeChecker.create());
  const checker = await sharedChecker;
  const found: Array<PreparedSubmission | undefined> = [];
  for (const [index, job] of jobs.entries()) {
    onProgress?.({ type: 'typecheck', done: index, total: jobs.length });
    const problem = checker.check(job.sourcePath);
    if (problem !== undefined) found[index] = { ok: false, name: job.name, sourcePath: job.sourcePath, loadError: problem };
    // A check is synchronous: let the runner's messages and Ctrl-C through between two.
    await new Promise((resolve) => setImmediate(resolve));
  }
  onProgress?.({ type: 'typecheck', done: jobs.length, total: jobs.length });
  return found;
}

async function gradeIn(
  session: RunnerSession,
  runDir: string,
  sources: SubmissionSource[],
  suites: SuiteFile[],
  options: ResolvedOptions,
  onProgress: ((event: ProgressEvent) => void) | undefined,
): Promise<SubmissionResult[]> {
  const jobs = prepareJobs(sources, runDir);
  // Type errors first: those submissions are load errors, never bundled or started.
  const known = options.typecheck ? await typeErrors(jobs, onProgress) : [];
  // Bundle while the runner loads; the workers bundle whatever is left then.
  const [prepared, runtime] = await Promise.all([
    prepareWhile(jobs, Math.max(2, availableParallelism()), Math.min(options.jobs, jobs.length), () => session.isStarted, known),
    ensureRuntimeBundle(),
  ]);
  const sandbox: SandboxReport = sandboxReport({ sandbox: options.sandbox, startTimeoutMs: options.startTimeoutMs });
  const files = await Promise.all(jobs.map((job, index) => {
    const done = prepared[index];
    const config: SubmissionConfig = {
      index,
      name: job.name,
      source: job,
      ...(done === undefined ? {} : { prepared: done }),
      suites,
      tiers: options.tiers,
      servers: options.servers,
      only: options.only,
      seed: options.seed,
      runs: options.runs,
      requestTimeoutMs: options.requestTimeoutMs,
      startTimeoutMs: options.startTimeoutMs,
      submissionTimeoutMs: options.submissionTimeoutMs,
      sandbox: options.sandbox,
      processesPerServer: processesPerServer(options.jobs, jobs.length),
      runtime,
      ...(options.connectTo === undefined ? {} : { connectTo: options.connectTo }),
    };
    return writeEntry(runDir, config);
  }));

  const indexOf = new Map(files.map((file, index) => [file, index]));
  const reports = new Map<number, ModuleReport>();
  onProgress?.({ type: 'start', total: sources.length });
  await session.run(files, (report) => {
    const index = indexOf.get(report.file);
    const source = index === undefined ? undefined : sources[index];
    if (index === undefined || source === undefined) return;
    reports.set(index, report);
    if (onProgress !== undefined) {
      const result = collectSubmission(source, report, { servers: options.servers, sandbox, catalog: buildCatalog([report]) });
      onProgress({ type: 'submission', done: reports.size, total: sources.length, result });
    }
  });

  const problem = suiteProblem(reports.values());
  if (problem !== undefined) throw new UsageError(problem);
  const catalog = buildCatalog(reports.values());
  return sources.map((source, index) => collectSubmission(source, reports.get(index), { servers: options.servers, sandbox, catalog }));
}
