/**
 * What the vitest workers reported → the results model (results/types.ts):
 * one SubmissionResult per submission, tests in suite order, each with one
 * outcome per server, scores and portability filled in.
 */
import type { SandboxReport, ServerName, ServerOutcome, SubmissionResult, SubmissionStatus, TestResult } from '../results/types.ts';
import type { SubmissionSource } from './discover.ts';
import { portabilityOf } from './portability.ts';
import type { CaseMeta, CaseReport, ModuleReport, SpecInfo } from './protocol.ts';
import { scoreTests, serverShare } from './scoring.ts';

export interface CollectContext {
  servers: readonly ServerName[];
  sandbox: SandboxReport;
  /** Every test the run knows, for a submission whose worker reported no details. */
  catalog: ReadonlyMap<string, SpecInfo>;
}

const CASE_NAME = /^(.*) \[([a-z]+)\]$/;

/** The tests the run knows of, from every report, in first-seen order. */
export function buildCatalog(reports: Iterable<ModuleReport>): Map<string, SpecInfo> {
  const catalog = new Map<string, SpecInfo>();
  for (const report of reports) {
    for (const meta of report.meta?.cases ?? []) if (!catalog.has(meta.spec.id)) catalog.set(meta.spec.id, meta.spec);
  }
  return catalog;
}

/** A test the worker left no result for (vitest stopped it, or the worker died): a failure with vitest's words. */
function fallbackCase(item: CaseReport, catalog: ReadonlyMap<string, SpecInfo>, reason: string): CaseMeta | undefined {
  const match = CASE_NAME.exec(item.name);
  const spec = match?.[1] === undefined ? undefined : catalog.get(match[1]);
  if (spec === undefined || match?.[2] === undefined) return undefined;
  return {
    spec,
    outcome: {
      server: match[2] as ServerName,
      status: 'failed',
      failure: { message: item.errors[0] ?? reason },
      transcript: [],
      curl: [],
      durationMs: 0,
    },
  };
}

function testResult(spec: SpecInfo, metas: CaseMeta[], runServers: readonly ServerName[]): TestResult {
  const outcomes: TestResult['outcomes'] = {};
  // The test's own servers (a report made by an older worker has none: the run's).
  const servers = runServers.filter((server) => (spec.servers ?? runServers).includes(server));
  const share = serverShare(spec.points, servers);
  for (const server of servers) {
    const meta = metas.find((m) => m.outcome.server === server);
    const outcome: ServerOutcome = meta === undefined
      ? { server, status: 'failed', score: 0, maxScore: share, failure: { message: 'not run' }, transcript: [], curl: [], durationMs: 0 }
      // A skipped test can't be earned here: it counts for nothing either way.
      : meta.outcome.status === 'skipped'
        ? { ...meta.outcome, score: 0, maxScore: 0 }
        : { ...meta.outcome, score: meta.outcome.status === 'passed' ? share : 0, maxScore: share };
    outcomes[server] = outcome;
  }
  const seed = metas.find((m) => m.seed !== undefined)?.seed;
  const result: TestResult = {
    id: spec.id,
    title: spec.title,
    tier: spec.tier,
    points: spec.points,
    visibility: spec.visibility,
    rule: spec.rule,
    ...(spec.richardson === undefined ? {} : { richardson: spec.richardson }),
    ...(seed === undefined ? {} : { seed }),
    outcomes,
  };
  const portability = portabilityOf(result, servers);
  return portability === undefined ? result : { ...result, portability };
}

/**
 * The submission's status. The grader's own failures come right after a load
 * error: results the grader could not trust are no grade, whatever else the
 * app did; a load error is the student's to fix first all the same.
 */
function statusOf(report: ModuleReport | undefined, workerError: string | undefined): { status: SubmissionStatus; statusDetail?: string } {
  const flags = report?.meta?.flags;
  if (flags?.loadError !== undefined) return { status: 'load-error', statusDetail: flags.loadError };
  if (workerError !== undefined) return { status: 'grader-error', statusDetail: workerError };
  if (flags?.graderError !== undefined) return { status: 'grader-error', statusDetail: flags.graderError };
  if (flags?.unreachable !== undefined) return { status: 'unreachable', statusDetail: flags.unreachable };
  if (flags?.timeout !== undefined) return { status: 'timeout', statusDetail: flags.timeout };
  if (flags?.crashed !== undefined) return { status: 'crashed', statusDetail: flags.crashed };
  return { status: 'graded' };
}

export function collectSubmission(source: SubmissionSource, report: ModuleReport | undefined, context: CollectContext): SubmissionResult {
  const workerError = report === undefined
    ? 'the grader lost this submission\'s results (its test worker stopped)'
    : report.errors[0] === undefined ? undefined : `grading failed: ${report.errors[0].message}`;

  const byId = new Map<string, { spec: SpecInfo; metas: CaseMeta[] }>();
  const add = (meta: CaseMeta): void => {
    const entry = byId.get(meta.spec.id) ?? { spec: meta.spec, metas: [] };
    entry.metas.push(meta);
    byId.set(meta.spec.id, entry);
  };
  const metas = report?.meta?.cases ?? [];
  metas.forEach(add);
  const done = new Set(metas.map((meta) => `${meta.spec.id} [${meta.outcome.server}]`));
  for (const item of report?.cases ?? []) {
    if (done.has(item.name)) continue;
    const meta = fallbackCase(item, context.catalog, workerError ?? 'the test did not finish');
    if (meta !== undefined) add(meta);
  }
  // Tests the worker never reached still count: failed, with the reason.
  if (workerError !== undefined) {
    for (const spec of context.catalog.values()) if (!byId.has(spec.id)) byId.set(spec.id, { spec, metas: [] });
  }

  const tests = [...byId.values()].map(({ spec, metas }) => {
    const result = testResult(spec, metas, context.servers);
    if (workerError === undefined) return result;
    for (const outcome of Object.values(result.outcomes)) {
      if (outcome.failure?.message === 'not run') outcome.failure = { message: workerError };
    }
    return result;
  });

  return {
    name: source.name,
    path: source.path,
    ...(source.commit === undefined ? {} : { commit: source.commit }),
    ...statusOf(report, workerError),
    ...scoreTests(tests, context.servers),
    tests,
    output: report?.meta?.output ?? { stdout: '', stderr: '', truncated: false },
    durationMs: report?.meta?.durationMs ?? 0,
    sandbox: context.sandbox,
  };
}
