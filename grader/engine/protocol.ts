/**
 * What crosses process boundaries inside the engine, all plain JSON:
 * - the grader writes a SubmissionConfig into each generated vitest entry file;
 * - a vitest worker leaves a ModuleMeta (every test's CaseMeta) on the file
 *   (vitest carries task.meta to the reporter);
 * - the vitest runner process sends RunnerMessages to the grader.
 */
import type { CapturedOutput, PreparedSubmission } from '../sandbox/types.ts';
import type { SuiteFile } from './discover.ts';
import type { PrepareJob } from './prepare.ts';

export type { SuiteFile };
import type { ServerName, ServerOutcome, Tier } from '../results/types.ts';

/** Everything a vitest worker needs to grade one submission. */
export interface SubmissionConfig {
  index: number;
  name: string;
  /** How to bundle the submission… */
  source: PrepareJob;
  /** …unless the grader already did. */
  prepared?: PreparedSubmission;
  suites: SuiteFile[];
  tiers: Tier[];
  servers: ServerName[];
  /** Test selectors (--test); empty: every test of the tiers. */
  only: string[];
  seed: number;
  runs: number;
  requestTimeoutMs: number;
  startTimeoutMs: number;
  submissionTimeoutMs: number;
  /** Apply Node's permission model to app processes. */
  sandbox: boolean;
  /** App processes per server for this submission (tests share them; fresh() isolates). */
  processesPerServer: number;
  /** The app runtime bundle the grader found (see sandbox/runtime-bundle.ts). */
  runtime?: string;
  /** host:port the grader's HTTP client connects to instead of each app process (the kit's own tests; see GradeOptions.connectTo). */
  connectTo?: string;
}

/** A test's spec as results need it. */
export interface SpecInfo {
  id: string;
  title: string;
  tier: Tier;
  points: number;
  visibility: 'visible' | 'hidden';
  rule: string;
  hint: string;
  richardson?: 1 | 2 | 3;
  /** The servers the test runs on in this run (its spec's, among the run's); its points are split between them. */
  servers: ServerName[];
  /** Why the test was skipped everywhere (e.g. this Node lacks node:sqlite). */
  skip?: string;
}

/** One test on one server, as the worker observed it (scores are filled in later). */
export interface CaseMeta {
  spec: SpecInfo;
  /** Set when the test drew from its seed (a property test). */
  seed?: number;
  outcome: Omit<ServerOutcome, 'score' | 'maxScore'>;
}

/** Why a submission's status is not "graded", as the worker saw it. */
export interface SubmissionFlags {
  loadError?: string;
  timeout?: string;
  crashed?: string;
  /** No request reached the app on some server: every connection failed (see worker/reachability.ts). */
  unreachable?: string;
  /** The grader failed, not the app: a test threw something other than a grading failure. */
  graderError?: string;
}

/** Left on the test file (the submission) once all its tests ran. */
export interface ModuleMeta {
  /** Every test that ran, in suite order (server after server within a group). */
  cases: CaseMeta[];
  flags: SubmissionFlags;
  output: CapturedOutput;
  durationMs: number;
}

declare module '@vitest/runner' {
  interface TaskMeta {
    todoWsgiModule?: ModuleMeta;
  }
}

/**
 * One test as vitest saw it: the results are in ModuleMeta.cases; this only
 * stands in for a test that never finished there (e.g. vitest's own timeout).
 */
export interface CaseReport {
  /** vitest's name for it, "<id> [<server>]". */
  name: string;
  state: 'passed' | 'failed' | 'skipped' | 'pending';
  errors: string[];
}

/** One submission (one vitest test module) as the runner process saw it. */
export interface ModuleReport {
  file: string;
  meta?: ModuleMeta;
  cases: CaseReport[];
  /** Errors outside tests: the file failed to load or a hook threw. */
  errors: Array<{ name: string; message: string }>;
}

/** Runner process → grader. `hello` first: it now listens for the settings. */
export type RunnerMessage =
  | { type: 'hello' }
  | { type: 'ready' }
  | { type: 'module'; report: ModuleReport }
  | { type: 'done'; errors: string[] }
  | { type: 'fatal'; message: string };

/** Grader → runner process. `settings` comes first, once: the runner loads vitest before it has them. */
export type RunnerCommand =
  | { type: 'settings'; settings: RunnerSettings }
  | { type: 'run'; files: string[] }
  | { type: 'close' };

/** How generated entry files end (the runner keeps them out of vitest's module cache). */
export const ENTRY_SUFFIX = '.grade.mjs';

/** vitest settings the grader chooses for the runner process. */
export interface RunnerSettings {
  root: string;
  /** node_modules/.cache/todo-wsgi: vitest's module cache goes below. */
  cacheDir: string;
  pool: 'threads' | 'forks';
  maxWorkers: number;
  maxConcurrency: number;
  testTimeoutMs: number;
}

