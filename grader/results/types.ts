/**
 * The grader's results, as every report reads them (terminal, JSON, CSV,
 * JUnit, Gradescope, GitHub Classroom, HTML). Plain data: JSON-serialisable.
 *
 * Scores come only from what the grader observed over HTTP, never from what a
 * submission printed.
 */
import type { ServerName } from '../servers/names.ts';

export type { ServerName };

/** "core" is the exercise itself; "2" and "3" are the lecture's REST extras and hypermedia/caching; "4" is state that survives a multi-process server. */
export type Tier = 'core' | '2' | '3' | '4';
export const TIERS: readonly Tier[] = ['core', '2', '3', '4'];

/** How a submission's grading ended. */
export type SubmissionStatus =
  /** Loaded and ran to the end (tests may still have failed). */
  | 'graded'
  /** Could not be loaded: missing file, no `application` export, syntax error (file:line). */
  | 'load-error'
  /** Hit the whole-submission wall limit; tests not reached are failed with that reason. */
  | 'timeout'
  /** An app process died on its own (exit, signal, out of memory) at least once. */
  | 'crashed'
  /**
   * Not graded: the app loaded and its processes kept running, but no request
   * of any test reached it on some server (every connection failed: a
   * firewall, a broken loopback, a platform quirk). Not the submission's fault.
   */
  | 'unreachable'
  /** Not graded: the grader itself failed (a test could not run to its check, a worker stopped). Not the submission's fault. */
  | 'grader-error';

/** Statuses that say nothing about the submitted code: its results are not a grade (exit code 2). */
export const NOT_GRADED: readonly SubmissionStatus[] = ['unreachable', 'grader-error'];

/** One HTTP request the grader sent, and what came back. */
export interface Exchange {
  request: {
    method: string;
    /** Path and query, as sent on the request line. */
    target: string;
    headers: Array<[string, string]>;
    /** Body as text (UTF-8, lossy for binary), possibly truncated. */
    body?: string;
  };
  /** Absent when no response came (timeout, connection reset). */
  response?: {
    status: number;
    /** Reason phrase where the server sent one. */
    reason?: string;
    headers: Array<[string, string]>;
    /** Body as text, truncated to an excerpt (see bodyTruncated). */
    body: string;
    bodyTruncated?: boolean;
  };
  /** Transport-level failure, e.g. "no answer within 2 s — an infinite loop?". */
  error?: string;
  durationMs: number;
  /** The CGI-style (string-valued) environ keys the app saw for this request, where recorded. */
  environ?: Record<string, string>;
  /** prefork: the 1-based index of the worker process that answered. */
  worker?: number;
}

/** Why a test failed, spelled out for a student. */
export interface Failure {
  /** One line: what went wrong. */
  message: string;
  /** What was expected, e.g. "status 201". */
  expected?: string;
  /** What came instead, e.g. "status 200". */
  actual?: string;
  /** The rule, named the way the lecture names it (status codes, Location, Allow, idempotency, HATEOAS...). */
  why?: string;
  hint?: string;
  /** A contract violation found by the validator, with its stable code. */
  violation?: { code: string; section: string; fix: string };
}

/** One test's outcome on one server. */
export interface ServerOutcome {
  server: ServerName;
  status: 'passed' | 'failed' | 'skipped';
  /** Half the test's points when both servers count. */
  score: number;
  maxScore: number;
  failure?: Failure;
  /** Every request the test sent, in order. */
  transcript: Exchange[];
  /** Equivalent curl commands for replaying the transcript against `npm run serve`. */
  curl: string[];
  durationMs: number;
  /** What the app printed (console.log, stderr, wsgi.errors) during the test, capped; failed tests only. */
  appOutput?: AppOutput[];
  /** Why a skipped test did not run, one line (e.g. "level 4 needs node:sqlite, which Node 22.13+ has; …"). */
  skipReason?: string;
}

/** A piece of text the app printed, and where. */
export interface AppOutput {
  stream: 'stdout' | 'stderr' | 'wsgi.errors';
  text: string;
}

/** Where a test passes on one server and fails on the other. */
export interface Portability {
  passedOn: ServerName;
  failedOn: ServerName;
  /** The environ values that differed for the requests of this test, e.g. CONTENT_LENGTH "" vs absent. */
  environDiff: Array<{ key: string } & Partial<Record<ServerName, string>>>;
}

export interface TestResult {
  /** Stable id, e.g. "core.create.status-201". */
  id: string;
  title: string;
  tier: Tier;
  /** Total points of the test, split equally between the servers. */
  points: number;
  visibility: 'visible' | 'hidden';
  /** The rule the test checks, named as the lecture names it. */
  rule: string;
  /** The Richardson maturity level the test is evidence for, if any. */
  richardson?: 1 | 2 | 3;
  /** Seed of a property (model-based) test. */
  seed?: number;
  outcomes: Partial<Record<ServerName, ServerOutcome>>;
  portability?: Portability;
}

export interface ScorePair {
  score: number;
  max: number;
}

/** What the sandbox did and did not enforce on this platform. */
export interface SandboxReport {
  enforced: string[];
  notEnforced: string[];
}

export interface SubmissionResult {
  /** The folder entry's name (directory or .ts file). */
  name: string;
  /** Path of the submission as given. */
  path: string;
  /** The commit of the submission's git repository when it was graded (read from its .git), if it is in one. */
  commit?: string;
  status: SubmissionStatus;
  /** One line explaining a status other than "graded", e.g. "app.ts:12:5: Expected ';'". */
  statusDetail?: string;
  score: number;
  maxScore: number;
  tiers: Partial<Record<Tier, ScorePair>>;
  servers: Partial<Record<ServerName, ScorePair>>;
  /** Highest Richardson maturity level the app reached (0 when none). */
  richardsonLevel: 0 | 1 | 2 | 3;
  tests: TestResult[];
  /** What the submission printed, first 64 KiB each; never read for results. */
  output: { stdout: string; stderr: string; truncated: boolean };
  durationMs: number;
  sandbox: SandboxReport;
}

export interface GradeRun {
  tool: 'todo-wsgi';
  version: 1;
  startedAt: string;
  durationMs: number;
  node: string;
  options: {
    tiers: Tier[];
    servers: ServerName[];
    /** --test selectors; absent when every test of the tiers ran. */
    only?: string[];
    seed: number;
    runs: number;
    requestTimeoutMs: number;
    startTimeoutMs: number;
    submissionTimeoutMs: number;
    hiddenTests: boolean;
    /** Submissions were type-checked: a type error made a load error. */
    typecheck: boolean;
  };
  submissions: SubmissionResult[];
}
