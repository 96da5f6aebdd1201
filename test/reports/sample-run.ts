/**
 * Realistic GradeRun objects for report tests (terminal, JSON, CSV, JUnit,
 * Gradescope, Classroom, HTML). Deterministic: no clock, no randomness, so a
 * report rendered twice is byte-identical.
 *
 * The class covers every shape a report must survive: full marks, the
 * starter's 501s, a load error, a timeout, a crash, portability differences
 * (with environDiff), hidden tests, bodies long enough to need caps, and names
 * with commas, quotes, newlines, unicode, <&>, a spreadsheet formula and
 * characters illegal in XML 1.0.
 */
import type {
  Exchange,
  Failure,
  GradeRun,
  Portability,
  ScorePair,
  ServerOutcome,
  SubmissionResult,
  TestResult,
  Tier,
} from '../../grader/results/types.ts';
import type { ServerName } from '../../grader/servers/names.ts';

export const SERVERS: readonly ServerName[] = ['simple', 'socket'];

/** The conformance tests every sample submission is graded on. */
export interface SampleSpec {
  id: string;
  title: string;
  tier: Tier;
  points: number;
  visibility: 'visible' | 'hidden';
  rule: string;
  hint: string;
  richardson?: 1 | 2 | 3;
  seed?: number;
  method: string;
  target: string;
  body?: string;
  /** The status a correct app answers. */
  okStatus: number;
}

export const SAMPLE_SPECS: readonly SampleSpec[] = [
  { id: 'core.list.status-200', title: 'GET /todos answers 200 with a JSON array', tier: 'core', points: 2, visibility: 'visible',
    rule: 'Status codes: 200 OK for a successful GET', hint: 'Start with GET /todos in starter/app.ts', richardson: 1,
    method: 'GET', target: '/todos', okStatus: 200 },
  { id: 'core.create.status-201', title: 'POST /todos answers 201 Created', tier: 'core', points: 2, visibility: 'visible',
    rule: 'Status codes: 201 Created for a new resource', hint: 'Read the body from wsgi.input, CONTENT_LENGTH bytes', richardson: 2,
    method: 'POST', target: '/todos', body: '{"title":"buy milk"}', okStatus: 201 },
  { id: 'core.create.location', title: 'POST /todos sets Location to the new to-do', tier: 'core', points: 1, visibility: 'visible',
    rule: 'Location: a 201 names the new resource', hint: 'Add ["Location", `/todos/${id}`] to the headers', richardson: 2,
    method: 'POST', target: '/todos', body: '{"title":"walk the dog"}', okStatus: 201 },
  { id: 'core.get.not-found', title: 'GET /todos/{id} answers 404 for an unknown id', tier: 'core', points: 1, visibility: 'visible',
    rule: 'Status codes: 404 Not Found for a missing resource', hint: 'Look the id up before answering', richardson: 1,
    method: 'GET', target: '/todos/999', okStatus: 404 },
  { id: 'core.body.empty-content-length', title: 'POST with an empty body answers 400, not a crash', tier: 'core', points: 2, visibility: 'visible',
    rule: 'CONTENT_LENGTH may be empty or absent (PEP 3333 "environ Variables")', hint: 'Treat a missing or empty CONTENT_LENGTH as 0',
    method: 'POST', target: '/todos', okStatus: 400 },
  { id: 'core.model.sequence', title: 'Random request sequences match an in-memory model', tier: 'core', points: 2, visibility: 'visible',
    rule: 'Idempotency: PUT and DELETE may be repeated', hint: 'Replay the minimal sequence with the curl commands below', seed: 424242,
    method: 'DELETE', target: '/todos/1', okStatus: 204 },
  { id: '2.method.405-allow', title: 'PUT /todos answers 405 with an Allow header', tier: '2', points: 1, visibility: 'visible',
    rule: 'Allow: a 405 lists the methods the resource accepts', hint: 'Answer 405 and add ["Allow", "GET, POST"]', richardson: 2,
    method: 'PUT', target: '/todos', body: '{}', okStatus: 405 },
  { id: '2.patch.partial', title: 'PATCH /todos/{id} changes only the fields sent', tier: '2', points: 1, visibility: 'visible',
    rule: 'PATCH: a partial update', hint: 'Merge the body into the stored to-do', richardson: 2,
    method: 'PATCH', target: '/todos/1', body: '{"done":true}', okStatus: 200 },
  { id: '3.links.hateoas', title: 'A to-do links to itself and its collection', tier: '3', points: 1, visibility: 'hidden',
    rule: 'HATEOAS: responses carry links to related resources', hint: 'Add "links": {"self": ..., "collection": "/todos"}', richardson: 3,
    method: 'GET', target: '/todos/1', okStatus: 200 },
  { id: '3.cache.etag-304', title: 'GET with If-None-Match answers 304 Not Modified', tier: '3', points: 1, visibility: 'hidden',
    rule: 'Caching: ETag and conditional GET', hint: 'Compare If-None-Match with the ETag you sent',
    method: 'GET', target: '/todos/1', okStatus: 304 },
];

const REASONS: Record<number, string> = {
  200: 'OK', 201: 'Created', 204: 'No Content', 304: 'Not Modified', 400: 'Bad Request', 404: 'Not Found',
  405: 'Method Not Allowed', 500: 'Internal Server Error', 501: 'Not Implemented',
};

/** How one test went on one server, in a few words; the builder fills in the rest. */
export type Verdict =
  | { kind: 'pass' }
  | { kind: 'status'; status: number; body?: string; bodyTruncated?: boolean; failure?: Partial<Failure> }
  | { kind: 'no-answer'; error: string }
  | { kind: 'skipped' };

export function curlFor(spec: SampleSpec): string {
  const data = spec.body === undefined ? '' : ` -H 'Content-Type: application/json' --data '${spec.body}'`;
  return `curl -i -X ${spec.method} 'http://127.0.0.1:8000${spec.target}'${data}`;
}

function environFor(spec: SampleSpec, server: ServerName): Record<string, string> {
  const env: Record<string, string> = {
    REQUEST_METHOD: spec.method, PATH_INFO: spec.target, SERVER_NAME: '127.0.0.1',
    SERVER_PORT: '8000', SERVER_PROTOCOL: 'HTTP/1.1',
  };
  if (spec.body !== undefined) {
    env.CONTENT_TYPE = 'application/json';
    env.CONTENT_LENGTH = String(Buffer.byteLength(spec.body));
  } else if (server === 'simple') {
    // wsgiref-like: an empty string rather than an absent key.
    env.CONTENT_LENGTH = '';
  }
  return env;
}

function exchange(spec: SampleSpec, server: ServerName, verdict: Verdict): Exchange {
  const headers: Array<[string, string]> = [['Host', '127.0.0.1:8000']];
  if (spec.body !== undefined) headers.push(['Content-Type', 'application/json'], ['Content-Length', String(Buffer.byteLength(spec.body))]);
  const request: Exchange['request'] = { method: spec.method, target: spec.target, headers, ...(spec.body === undefined ? {} : { body: spec.body }) };
  const base = { request, durationMs: 3, environ: environFor(spec, server) };
  if (verdict.kind === 'no-answer') return { ...base, error: verdict.error, durationMs: 2000 };
  const status = verdict.kind === 'status' ? verdict.status : spec.okStatus;
  const body = verdict.kind === 'status' ? (verdict.body ?? '') : spec.okStatus === 204 || spec.okStatus === 304 ? '' : '{"id":1,"title":"buy milk","done":false}';
  return {
    ...base,
    response: {
      status, reason: REASONS[status] ?? 'Unknown',
      headers: [['Content-Type', 'application/json'], ['Content-Length', String(Buffer.byteLength(body))]],
      body,
      ...(verdict.kind === 'status' && verdict.bodyTruncated ? { bodyTruncated: true } : {}),
    },
  };
}

function outcome(spec: SampleSpec, server: ServerName, verdict: Verdict): ServerOutcome {
  const maxScore = spec.points / SERVERS.length;
  if (verdict.kind === 'skipped') return { server, status: 'skipped', score: 0, maxScore, transcript: [], curl: [], durationMs: 0 };
  const ex = exchange(spec, server, verdict);
  const base = { server, maxScore, transcript: [ex], curl: [curlFor(spec)], durationMs: ex.durationMs };
  if (verdict.kind === 'pass') return { ...base, status: 'passed', score: maxScore };
  const failure: Failure = verdict.kind === 'no-answer'
    ? { message: verdict.error, expected: `status ${spec.okStatus}`, actual: 'no response', why: spec.rule, hint: spec.hint }
    : { message: `Expected status ${spec.okStatus}, got ${verdict.status}`, expected: `status ${spec.okStatus}`,
        actual: `status ${verdict.status}`, why: spec.rule, hint: spec.hint, ...verdict.failure };
  return { ...base, status: 'failed', score: 0, failure };
}

/** One test's result from a verdict per server (a single verdict applies to both). */
export function testResult(spec: SampleSpec, verdicts: Verdict | Partial<Record<ServerName, Verdict>>, portability?: Portability): TestResult {
  const per = 'kind' in verdicts ? { simple: verdicts, socket: verdicts } : verdicts;
  const outcomes: TestResult['outcomes'] = {};
  for (const server of SERVERS) outcomes[server] = outcome(spec, server, per[server] ?? { kind: 'pass' });
  return {
    id: spec.id, title: spec.title, tier: spec.tier, points: spec.points, visibility: spec.visibility, rule: spec.rule,
    ...(spec.richardson === undefined ? {} : { richardson: spec.richardson }),
    ...(spec.seed === undefined ? {} : { seed: spec.seed }),
    outcomes,
    ...(portability ? { portability } : {}),
  };
}

function sumPairs(tests: TestResult[], key: (t: TestResult, o: ServerOutcome) => string): Record<string, ScorePair> {
  const acc: Record<string, ScorePair> = {};
  for (const t of tests) for (const o of Object.values(t.outcomes)) {
    if (!o) continue;
    const k = key(t, o);
    const pair = (acc[k] ??= { score: 0, max: 0 });
    pair.score += o.score;
    pair.max += o.maxScore;
  }
  return acc;
}

const MAX_SCORE = SAMPLE_SPECS.reduce((n, s) => n + s.points, 0);

/** A submission whose totals are summed from its tests, so reports can cross-check. */
export function submission(name: string, tests: TestResult[], extra: Partial<SubmissionResult> = {}): SubmissionResult {
  const tiers = sumPairs(tests, (t) => t.tier) as Partial<Record<Tier, ScorePair>>;
  const servers = sumPairs(tests, (_t, o) => o.server) as Partial<Record<ServerName, ScorePair>>;
  const score = tests.reduce((n, t) => n + Object.values(t.outcomes).reduce((m, o) => m + (o?.score ?? 0), 0), 0);
  return {
    name, path: `submissions/${name}`, status: 'graded', score, maxScore: MAX_SCORE, tiers, servers,
    richardsonLevel: 0, tests, output: { stdout: '', stderr: '', truncated: false }, durationMs: 4200,
    sandbox: { enforced: ['fs read outside the submission', 'child processes', 'network except loopback'], notEnforced: ['CPU time per request'] },
    ...extra,
  };
}

const spec = (id: string): SampleSpec => {
  const found = SAMPLE_SPECS.find((s) => s.id === id);
  if (!found) throw new Error(`no sample spec ${id}`);
  return found;
};

export function fullMarks(name = 'alice'): SubmissionResult {
  return submission(name, SAMPLE_SPECS.map((s) => testResult(s, { kind: 'pass' })), { richardsonLevel: 3 });
}

const STARTER_501 = '{"error":"not implemented yet: see starter/app.ts"}';

/** The unmodified starter: every route answers 501. */
export function starterLike(name = 'starter'): SubmissionResult {
  return submission(name, SAMPLE_SPECS.map((s) => testResult(s, { kind: 'status', status: 501, body: STARTER_501 })));
}

export function loadError(name = 'bob, "the builder"'): SubmissionResult {
  return submission(name, [], {
    status: 'load-error', statusDetail: "app.ts:12:5: Expected ';' but found 'const'", score: 0, tiers: {}, servers: {}, durationMs: 80,
  });
}

/**
 * A load error as the engine may also report it: every test listed, failed on
 * both servers with no transcript and the load error as the message.
 */
export function loadErrorWithTests(name = 'dave'): SubmissionResult {
  const detail = 'app.ts:3:1: No "application" export (did you write "export default"?)';
  const tests = SAMPLE_SPECS.map((s) => {
    const result = testResult(s, { kind: 'pass' });
    for (const o of Object.values(result.outcomes)) {
      if (!o) continue;
      Object.assign(o, { status: 'failed', score: 0, failure: { message: detail }, transcript: [], curl: [], durationMs: 0 });
    }
    return result;
  });
  return submission(name, tests, { status: 'load-error', statusDetail: detail, durationMs: 90 });
}

const NOT_REACHED = 'not reached: the submission hit its 60 s wall limit';

/** Passed the first tests, then an infinite loop ate the wall limit. */
export function timedOut(name = 'Zoë <&> Ünïcode ✓'): SubmissionResult {
  const tests = SAMPLE_SPECS.map((s, i) => {
    if (i < 2) return testResult(s, { kind: 'pass' });
    if (i === 2) return testResult(s, { kind: 'no-answer', error: 'no answer within 2 s — an infinite loop?' });
    return testResult(s, { kind: 'no-answer', error: NOT_REACHED });
  });
  return submission(name, tests, { status: 'timeout', statusDetail: 'the submission hit its 60 s wall limit', richardsonLevel: 1, durationMs: 60_000 });
}

/** The app process died mid-run; also carries a runaway body and XML-illegal characters. */
export function crashed(name = "=HYPERLINK(\"http://x\")+1,'evil'"): SubmissionResult {
  const huge = `{"todos":[${'{"title":"spam\u0001\u0007"},'.repeat(3000)}]}`;
  const tests = SAMPLE_SPECS.map((s) => {
    if (s.id === 'core.list.status-200') return testResult(s, { kind: 'status', status: 200, body: huge, bodyTruncated: true,
      failure: { message: 'Body is not a JSON array\u0000 (control characters \u0008 in the body)', expected: 'a JSON array', actual: 'an object' } });
    if (s.tier === 'core') return testResult(s, { kind: 'pass' });
    return testResult(s, { kind: 'no-answer', error: 'connection reset: the app process exited (signal SIGSEGV)' });
  });
  return submission(name, tests, {
    status: 'crashed', statusDetail: 'the app process exited with code 3 (process.exit() in a handler?)', richardsonLevel: 2,
    output: { stdout: 'x'.repeat(70_000), stderr: 'Error: boom\n    at handler (app.ts:40:11)', truncated: true },
  });
}

/** Passes on one server only: CONTENT_LENGTH "" vs absent, and a validator violation. */
export function portability(name = 'carol\nmulti-line; "quoted", name'): SubmissionResult {
  const bodySpec = spec('core.body.empty-content-length');
  const violation = { code: 'start_response.header-not-string', section: 'The start_response() Callable', fix: 'Pass header values as strings: String(body.length)' };
  const tests = SAMPLE_SPECS.map((s) => {
    if (s === bodySpec) {
      return testResult(s, {
        simple: { kind: 'pass' },
        socket: { kind: 'status', status: 500, body: 'TypeError: Cannot read properties of undefined (reading \'length\')',
          failure: { message: 'Expected status 400, got 500', why: 'CONTENT_LENGTH may be empty or absent (PEP 3333 "environ Variables")' } },
      }, { passedOn: 'simple', failedOn: 'socket', environDiff: [{ key: 'CONTENT_LENGTH', simple: '' }] });
    }
    if (s.id === '2.method.405-allow') {
      return testResult(s, {
        simple: { kind: 'status', status: 500, body: '', failure: { message: 'The app broke the WSGI contract', violation } },
        socket: { kind: 'pass' },
      }, { passedOn: 'socket', failedOn: 'simple', environDiff: [{ key: 'SERVER_SOFTWARE', simple: 'simple/1.0', socket: 'socket/1.0' }, { key: 'HTTP_CONNECTION', socket: 'keep-alive' }] });
    }
    if (s.id === '3.links.hateoas') {
      return testResult(s, { kind: 'status', status: 200, body: '{"id":1,"title":"buy milk","done":false}',
        failure: { message: 'The to-do has no "links"', expected: 'links.self and links.collection', actual: 'no "links" key' } });
    }
    if (s.tier === '3') return testResult(s, { kind: 'status', status: 200, body: '{"id":1}' });
    return testResult(s, { kind: 'pass' });
  });
  return submission(name, tests, { richardsonLevel: 2, output: { stdout: 'listening\n', stderr: '', truncated: false } });
}

export function sampleOptions(): GradeRun['options'] {
  return {
    tiers: ['core', '2', '3'], servers: [...SERVERS], seed: 424242, runs: 50,
    requestTimeoutMs: 2000, startTimeoutMs: 5000, submissionTimeoutMs: 60_000, hiddenTests: true, typecheck: false,
  };
}

/** A run over the given submissions (default: the whole sample class). */
export function sampleRun(submissions?: SubmissionResult[]): GradeRun {
  return {
    tool: 'todo-wsgi', version: 1, startedAt: '2025-03-14T09:26:53.000Z', durationMs: 71_234, node: 'v22.12.0',
    options: sampleOptions(),
    submissions: submissions ?? [fullMarks(), starterLike(), loadError(), timedOut(), crashed(), portability()],
  };
}

/** A run of one submission, as `npm run grade` makes for a student. */
export function singleRun(sub: SubmissionResult): GradeRun {
  return sampleRun([sub]);
}

/** Level 4's tests, which run on prefork only and need node:sqlite. */
export const LEVEL4_SPECS: ReadonlyArray<Pick<SampleSpec, 'id' | 'title' | 'points' | 'rule'>> = [
  { id: '4.state.create-then-list', title: 'A created to-do is listed whichever worker answers', points: 5,
    rule: 'State lives outside the process: every worker sees the same to-dos' },
  { id: '4.state.delete-everywhere', title: 'A deleted to-do is gone on every worker', points: 5,
    rule: 'State lives outside the process: every worker sees the same to-dos' },
];

export const NODE20_SKIP = 'level 4 needs node:sqlite, which Node 22.13+ has; this is Node v20.20.0';

/** The submission as graded on Node 20: level 4's tests skipped on prefork, the rest as given. */
export function withSkippedLevel4(sub: SubmissionResult): SubmissionResult {
  const skipped: TestResult[] = LEVEL4_SPECS.map((s) => ({
    id: s.id, title: s.title, tier: '4', points: s.points, visibility: 'visible', rule: s.rule,
    outcomes: { prefork: { server: 'prefork', status: 'skipped', score: 0, maxScore: 0, skipReason: NODE20_SKIP, transcript: [], curl: [], durationMs: 0 } },
  }));
  return {
    ...sub,
    tests: [...sub.tests, ...skipped],
    tiers: { ...sub.tiers, '4': { score: 0, max: 0 } },
    servers: { ...sub.servers, prefork: { score: 0, max: 0 } },
  };
}

/** A class graded with every tier on Node 20, where level 4 cannot run. */
export function node20Run(submissions: SubmissionResult[] = [fullMarks(), starterLike(), portability(), timedOut()]): GradeRun {
  const run = sampleRun(submissions.map(withSkippedLevel4));
  run.options = { ...run.options, tiers: ['core', '2', '3', '4'], servers: ['simple', 'socket', 'prefork'] };
  return run;
}

/** A run where the grader could not reach the app: every request failed to connect. */
export function unreachableSub(name = 'erin'): SubmissionResult {
  const tests = SAMPLE_SPECS.map((s) => testResult(s, { kind: 'no-answer', error: 'the app process refused the connection (is it still running?)' }));
  return submission(name, tests, {
    status: 'unreachable',
    statusDetail: 'the grader could not connect to the app on simple and socket, although the app loaded and kept running: no request reached it (connection error: the app process refused the connection (is it still running?))',
  });
}
