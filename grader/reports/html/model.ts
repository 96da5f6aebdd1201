/**
 * The class page's view model: what the matrix needs up front, kept compact
 * (one short string of cell states per submission), and the per-submission
 * details (transcripts, output) the page parses only when a cell is opened.
 */
import { NOT_GRADED, TIERS } from '../../results/types.ts';
import { SERVER_NAMES } from '../../servers/names.ts';
import type {
  GradeRun,
  ServerName,
  SubmissionResult,
  SubmissionStatus,
  TestResult,
  Tier,
} from '../../results/types.ts';

/** A column of the matrix: one test, as first seen across the class. */
export interface PageTest {
  id: string;
  title: string;
  tier: Tier;
  points: number;
  hidden: boolean;
  rule: string;
  richardson?: 1 | 2 | 3;
}

/**
 * Cell states, one character per test × server (tests in column order,
 * servers in `PageModel.servers` order): passed, failed, skipped, or absent
 * (the submission has no outcome there, e.g. it never loaded).
 */
export type CellState = 'p' | 'f' | 's' | '-';

export interface PageRow {
  name: string;
  status: SubmissionStatus;
  statusDetail?: string;
  score: number;
  maxScore: number;
  richardson: 0 | 1 | 2 | 3;
  /** Ids of the tests that pass on one server only. */
  portability: string[];
  cells: string;
}

export interface PageModel {
  servers: ServerName[];
  tiers: Tier[];
  tests: PageTest[];
  rows: PageRow[];
  /** The run's --seed: what reproduces a property test's sequences. */
  runSeed: number;
}

/** Loaded on demand for one submission: everything the detail panels show. */
export interface RowDetails {
  name: string;
  path: string;
  status: SubmissionStatus;
  statusDetail?: string;
  tiers: SubmissionResult['tiers'];
  servers: SubmissionResult['servers'];
  durationMs: number;
  sandbox: SubmissionResult['sandbox'];
  output: { stdout: string; stderr: string; truncated: boolean };
  /** Aligned with `PageModel.tests`; null where the submission lacks the test. */
  tests: Array<TestResult | null>;
}

/** Printed output kept per stream on the page; the JSON report has the full 64 KiB. */
export const OUTPUT_LIMIT = 16 * 1024;

export interface ClassStats {
  count: number;
  /** Shares of each submission's own maximum, 0..1. */
  meanShare: number;
  medianShare: number;
  meanScore: number;
  medianScore: number;
  /** The maximum when every submission has the same one, else undefined. */
  commonMax?: number;
  /** Shares of maximum per submission, in submission order. */
  shares: number[];
}

export function shareOf(score: number, max: number): number {
  return max > 0 ? Math.min(1, Math.max(0, score / max)) : 0;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * Every graded submission counts, a load error as the zero it scored; one
 * not graded (unreachable, grader error) has no grade to count.
 */
export function classStats(run: GradeRun): ClassStats {
  const subs = run.submissions.filter((s) => !NOT_GRADED.includes(s.status));
  const shares = subs.map((s) => shareOf(s.score, s.maxScore));
  const scores = subs.map((s) => s.score);
  const maxes = new Set(subs.map((s) => s.maxScore));
  const stats: ClassStats = {
    count: subs.length,
    meanShare: mean(shares),
    medianShare: median(shares),
    meanScore: mean(scores),
    medianScore: median(scores),
    shares,
  };
  if (maxes.size === 1) stats.commonMax = [...maxes][0]!;
  return stats;
}

/** Servers in the canonical order: the run's options, plus any seen in outcomes. */
export function serversOf(run: GradeRun): ServerName[] {
  const seen = new Set<ServerName>(run.options.servers);
  for (const sub of run.submissions) {
    for (const test of sub.tests) {
      for (const name of SERVER_NAMES) if (test.outcomes[name]) seen.add(name);
    }
  }
  return SERVER_NAMES.filter((name) => seen.has(name));
}

/** The union of every submission's tests, grouped by tier, in first-seen order. */
export function testsOf(run: GradeRun): PageTest[] {
  const byId = new Map<string, PageTest>();
  for (const sub of run.submissions) {
    for (const t of sub.tests) {
      if (byId.has(t.id)) continue;
      const test: PageTest = {
        id: t.id,
        title: t.title,
        tier: t.tier,
        points: t.points,
        hidden: t.visibility === 'hidden',
        rule: t.rule,
      };
      if (t.richardson !== undefined) test.richardson = t.richardson;
      byId.set(t.id, test);
    }
  }
  const all = [...byId.values()];
  return TIERS.flatMap((tier) => all.filter((t) => t.tier === tier));
}

function cellState(test: TestResult | undefined, server: ServerName): CellState {
  const outcome = test?.outcomes[server];
  if (!outcome) return '-';
  return outcome.status === 'passed' ? 'p' : outcome.status === 'failed' ? 'f' : 's';
}

/** A test portable-failing: the grader's record, or one server passed and another failed. */
function isPortabilityIssue(test: TestResult): boolean {
  if (test.portability) return true;
  const states = Object.values(test.outcomes).map((o) => o?.status);
  return states.includes('passed') && states.includes('failed');
}

function clip(text: string): { text: string; clipped: boolean } {
  return text.length > OUTPUT_LIMIT
    ? { text: text.slice(0, OUTPUT_LIMIT), clipped: true }
    : { text, clipped: false };
}

export function buildModel(run: GradeRun): { model: PageModel; details: RowDetails[] } {
  const servers = serversOf(run);
  const tests = testsOf(run);
  const rows: PageRow[] = [];
  const details: RowDetails[] = [];
  for (const sub of run.submissions) {
    const own = new Map(sub.tests.map((t) => [t.id, t]));
    let cells = '';
    for (const test of tests) {
      const result = own.get(test.id);
      for (const server of servers) cells += cellState(result, server);
    }
    const row: PageRow = {
      name: sub.name,
      status: sub.status,
      score: sub.score,
      maxScore: sub.maxScore,
      richardson: sub.richardsonLevel,
      portability: sub.tests.filter(isPortabilityIssue).map((t) => t.id),
      cells,
    };
    if (sub.statusDetail !== undefined) row.statusDetail = sub.statusDetail;
    rows.push(row);

    const stdout = clip(sub.output.stdout);
    const stderr = clip(sub.output.stderr);
    const detail: RowDetails = {
      name: sub.name,
      path: sub.path,
      status: sub.status,
      tiers: sub.tiers,
      servers: sub.servers,
      durationMs: sub.durationMs,
      sandbox: sub.sandbox,
      output: {
        stdout: stdout.text,
        stderr: stderr.text,
        truncated: sub.output.truncated || stdout.clipped || stderr.clipped,
      },
      tests: tests.map((t) => own.get(t.id) ?? null),
    };
    if (sub.statusDetail !== undefined) detail.statusDetail = sub.statusDetail;
    details.push(detail);
  }
  const tiers = run.options.tiers.length > 0 ? TIERS.filter((t) => run.options.tiers.includes(t)) : [...TIERS];
  return { model: { servers, tiers, tests, rows, runSeed: run.options.seed }, details };
}
