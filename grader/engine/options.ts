/**
 * The engine's options, their defaults, and the progress events it emits.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { ServerName, SubmissionResult, Tier } from '../results/types.ts';
import { TIERS } from '../results/types.ts';
import { SERVER_NAMES } from '../servers/names.ts';

export interface GradeOptions {
  /** Tiers to run; tests of other tiers are neither run nor scored. Default: all. */
  tiers?: readonly Tier[];
  /** Servers to run every test on. Default: every server. */
  servers?: readonly ServerName[];
  /** Only the tests whose id starts with, or whose title contains (any case), one of these. Default: every test. */
  only?: readonly string[];
  /** A folder of hidden instructor suite files (*.suite.ts). */
  testsDir?: string;
  /** Suite files to run instead of the public grader/suite/tests/*.suite.ts (for the project's own tests). */
  suiteFiles?: readonly string[];
  /** Submissions graded at once (vitest workers). Default: os.availableParallelism(). */
  jobs?: number;
  /** Seed of property tests. Default: a fixed seed, so grading is repeatable. */
  seed?: number;
  /** Random runs per property test. Default 15: over 60 seeds they catch every model mutant, in half the time of 25. */
  runs?: number;
  requestTimeoutMs?: number;
  startTimeoutMs?: number;
  /** Wall-clock limit for all tests of one submission. */
  submissionTimeoutMs?: number;
  /** Apply Node's permission model to app processes. Default true. */
  sandbox?: boolean;
  /** Type-check each submission before grading it: a type error is a load error. Default false. */
  typecheck?: boolean;
  /**
   * For the kit's own tests: "host:port" the grader's HTTP client connects to
   * instead of each app process, e.g. a closed port or a server that resets
   * every connection, standing in for a firewall between the grader and a
   * running app. The CLI takes it from the WSGI_KIT_CONNECT_TO environment
   * variable. Never set when grading for real.
   */
  connectTo?: string;
}

export interface ResolvedOptions {
  tiers: Tier[];
  servers: ServerName[];
  only: string[];
  testsDir: string | undefined;
  suiteFiles: string[] | undefined;
  jobs: number;
  seed: number;
  runs: number;
  requestTimeoutMs: number;
  startTimeoutMs: number;
  submissionTimeoutMs: number;
  sandbox: boolean;
  typecheck: boolean;
  connectTo: string | undefined;
}

export const DEFAULTS = {
  seed: 1,
  runs: 15,
  requestTimeoutMs: 2_000,
  startTimeoutMs: 5_000,
  submissionTimeoutMs: 60_000,
} as const;

export function resolveOptions(options: GradeOptions): ResolvedOptions {
  // Keep the canonical order whatever order the caller gave.
  const tiers = TIERS.filter((tier) => (options.tiers ?? TIERS).includes(tier));
  const servers = SERVER_NAMES.filter((server) => (options.servers ?? SERVER_NAMES).includes(server));
  return {
    tiers,
    servers,
    only: [...(options.only ?? [])],
    testsDir: options.testsDir,
    suiteFiles: options.suiteFiles?.map((file) => resolve(file)),
    jobs: Math.max(1, Math.floor(options.jobs ?? availableParallelism())),
    seed: options.seed ?? DEFAULTS.seed,
    runs: options.runs ?? DEFAULTS.runs,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
    startTimeoutMs: options.startTimeoutMs ?? DEFAULTS.startTimeoutMs,
    submissionTimeoutMs: options.submissionTimeoutMs ?? DEFAULTS.submissionTimeoutMs,
    sandbox: options.sandbox ?? true,
    typecheck: options.typecheck ?? false,
    connectTo: options.connectTo,
  };
}

export type ProgressEvent =
  | { type: 'typecheck'; done: number; total: number }
  | { type: 'start'; total: number }
  | { type: 'submission'; done: number; total: number; result: SubmissionResult };

/** A mistake in how the grader was called (exit code 2 in the CLI). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
