/**
 * One submission's grading state inside a vitest worker: its wall-clock
 * budget, what made its status other than "graded", and its app processes.
 * Failures that will repeat (the app cannot load, cannot start, time is up)
 * are sticky: later tests fail at once with the same reason.
 */
import type { Failure } from '../../results/types.ts';
import { isTypeError } from '../../sandbox/typecheck.ts';
import type { CapturedOutput, PreparedSubmission } from '../../sandbox/types.ts';
import { GradeFailure } from '../../suite/runtime/grade-failure.ts';
import { formatDuration } from '../../suite/runtime/http.ts';
import type { ServerName } from '../../servers/names.ts';
import type { CaseMeta, ModuleMeta, SubmissionConfig, SubmissionFlags } from '../protocol.ts';
import { AppPool, startFailureOf } from './app-pool.ts';
import { unreachableDetail } from './reachability.ts';
import { finishCase } from './run-case.ts';
import type { CaseSubmission, RanCase } from './run-case.ts';
import type { EarlyStarts } from './early.ts';

/** Bytes of stdout and of stderr kept per submission. */
const OUTPUT_LIMIT = 64 * 1024;

export class SubmissionState implements CaseSubmission {
  readonly config: SubmissionConfig;
  readonly flags: SubmissionFlags = {};
  private sticky: Failure | undefined;
  private startedAt = 0;
  private deadline = Number.POSITIVE_INFINITY;
  private readonly pools = new Map<ServerName, AppPool>();
  private readonly ran: Array<{ order: number; ran: RanCase }> = [];

  private readonly prepared: PreparedSubmission;

  constructor(config: SubmissionConfig, prepared: PreparedSubmission) {
    this.config = config;
    this.prepared = prepared;
    if (!prepared.ok) {
      this.flags.loadError = prepared.loadError;
      this.sticky = loadFailure(prepared.loadError);
    }
  }

  begin(): void {
    this.startedAt = performance.now();
    this.deadline = this.startedAt + this.config.submissionTimeoutMs;
  }

  /** The app processes of one server; undefined when the app could not be prepared. */
  pool(server: ServerName): AppPool | undefined {
    const prepared = this.prepared;
    if (!prepared.ok) return undefined;
    let pool = this.pools.get(server);
    if (pool === undefined) {
      pool = new AppPool({
        bundlePath: prepared.bundlePath,
        sourceDir: prepared.sourceDir,
        server,
        startTimeoutMs: this.config.startTimeoutMs,
        sandbox: this.config.sandbox,
        // A prefork pool is already a master and its workers.
        size: server === 'prefork' ? 1 : this.config.processesPerServer,
        ...(this.config.connectTo === undefined ? {} : { connectTo: this.config.connectTo }),
      });
      this.pools.set(server, pool);
    }
    return pool;
  }

  /** Start one process per server at once (or take over those started `early`), so they boot while vitest collects the tests. */
  prestart(servers: readonly ServerName[], early?: EarlyStarts): void {
    for (const server of servers) this.pool(server)?.prestart(early?.get(server));
  }

  /** The failure every remaining test gets at once, if any. */
  precheck(): Failure | undefined {
    if (this.sticky !== undefined) return this.sticky;
    if (performance.now() >= this.deadline) return this.timeUp();
    return undefined;
  }

  /** For the test context: stop sending requests once the time is up. */
  readonly checkDeadline = (): void => {
    if (performance.now() >= this.deadline) throw new GradeFailure(this.timeUp());
  };

  /** An app process could not start: the same will happen for every later test. */
  startFailed(error: unknown): Failure {
    const { kind, message } = startFailureOf(error);
    if (kind === 'exited') this.flags.crashed ??= message;
    else this.flags.loadError ??= message;
    this.sticky ??= kind === 'load-error' ? loadFailure(message) : {
      message,
      expected: 'the app process to start and listen',
      actual: kind === 'start-timeout' ? 'it did not start in time' : 'it exited while starting',
      why: 'The app module is loaded once per process; loading must finish quickly and must not exit.',
      hint: 'Move slow or blocking work out of the module top level, and never call process.exit().',
    };
    return this.sticky;
  }

  crashed(reason: string): void {
    this.flags.crashed ??= reason;
  }

  /** The grader failed (not the app): the submission is not graded. */
  graderFailed(reason: string): void {
    this.flags.graderError ??= reason;
  }

  /** Keep a test's outcome; `order` is its place in the suites, so results never depend on timing. */
  record(order: number, ran: RanCase): void {
    this.ran.push({ order, ran });
  }

  async end(): Promise<ModuleMeta> {
    const pools = [...this.pools.values()];
    // Closing settles every process: the last records arrive before results are made.
    await Promise.allSettled(pools.map((pool) => pool.close()));
    // Only now: the records of the last processes count as contact too.
    const unreachable = pools.flatMap((pool) => pool.reach.verdict ?? []);
    if (unreachable.length > 0) this.flags.unreachable ??= unreachableDetail(unreachable);
    const cases = withoutPassingEnvirons(this.ran.sort((a, b) => a.order - b.order).map((entry) => finishCase(entry.ran)));
    // vitest keeps every test (and so this object) until the run ends: let the transcripts go.
    this.ran.length = 0;
    this.pools.clear();
    return {
      cases,
      flags: this.flags,
      output: joinOutputs(pools.flatMap((pool) => pool.output())),
      durationMs: Math.round(performance.now() - this.startedAt),
    };
  }

  private timeUp(): Failure {
    const limit = formatDuration(this.config.submissionTimeoutMs);
    const message = `not run: grading this submission took longer than ${limit} (--timeout)`;
    this.flags.timeout ??= `grading stopped after ${limit}; the tests not reached failed`;
    return {
      message,
      why: `Each submission gets ${limit} for all its tests.`,
      hint: 'Look for slow handlers: each request should be answered in milliseconds.',
    };
  }
}

function loadFailure(message: string): Failure {
  return {
    message,
    expected: 'app.ts to load and export application(environ, startResponse)',
    actual: 'the app could not be loaded',
    why: 'A WSGI server imports the module and calls its `application` export for every request.',
    hint: isTypeError(message)
      ? 'Run `npm run grade -- --typecheck` or `npm run typecheck` to see every type error; fix them first, every test depends on it.'
      : 'Run `npm run serve` to see the same error; fix it first, every test depends on it.',
  };
}

/**
 * The environ of each request is kept where a test failed on some server
 * (it explains the failure, and a portability difference needs both sides)
 * and dropped where it passed everywhere: it is a third of a class's results.
 */
function withoutPassingEnvirons(cases: CaseMeta[]): CaseMeta[] {
  const failed = new Set(cases.filter((c) => c.outcome.status !== 'passed').map((c) => c.spec.id));
  for (const item of cases) {
    if (failed.has(item.spec.id)) continue;
    for (const exchange of item.outcome.transcript) delete exchange.environ;
  }
  return cases;
}

function joinOutputs(outputs: CapturedOutput[]): CapturedOutput {
  let stdout = '';
  let stderr = '';
  let truncated = false;
  for (const output of outputs) {
    stdout += output.stdout;
    stderr += output.stderr;
    truncated ||= output.truncated;
  }
  if (stdout.length > OUTPUT_LIMIT || stderr.length > OUTPUT_LIMIT) truncated = true;
  return { stdout: stdout.slice(0, OUTPUT_LIMIT), stderr: stderr.slice(0, OUTPUT_LIMIT), truncated };
}
