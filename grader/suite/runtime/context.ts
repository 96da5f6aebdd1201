/**
 * The TestContext a suite's test receives: it sends requests to one app
 * process, records every exchange (with the environ the app saw and the curl
 * line to replay it) and turns failed expectations into GradeFailures that
 * carry the test's rule and hint.
 */
import { createHash } from 'node:crypto';
import type { AppOutput, Exchange, Failure } from '../../results/types.ts';
import type { AppErrorRecord, RequestRecord } from '../../sandbox/types.ts';
import type { ServerName } from '../../servers/names.ts';
import type { Detail, Reply, RequestOptions, TestContext, TestSpec, WorkerAnswer } from '../define.ts';
import * as assert from './assertions.ts';
import { curlCommand } from './curl.ts';
import { GradeFailure } from './grade-failure.ts';
import { RESPONSIVE_PROBE_MS } from './deadline.ts';
import { prepareRequest, send, transcriptHeaders } from './http.ts';
import type { AppClient, PreparedRequest, TransportError } from './http.ts';
import { excerpt, parseWireRequest, Transcript } from './transcript.ts';
import { routeOf, type HangLedger } from './hang-ledger.ts';

/** What the context needs of the app process it talks to. */
export interface AppLink {
  /** A fresh app instance in the same process. */
  fresh(): Promise<void>;
  /** Not called by the context (the engine fetches records per process); accepted so an AppHandle fits. */
  drainRecords?(): Promise<RequestRecord[]>;
  /** True when the app's process answers within `withinMs` (not stuck in the app); without it, a late request fails at its limit. */
  responsive?(withinMs: number): Promise<boolean>;
}

export interface ContextOptions {
  spec: TestSpec;
  server: ServerName;
  /** This test's seed (derived from runSeed and the test id). */
  seed: number;
  /** The run's --seed, which reproduces `seed`. */
  runSeed: number;
  runs: number;
  app: AppLink;
  client: AppClient;
  requestTimeoutMs: number;
  /** Throws a GradeFailure once the submission's time is up. */
  checkDeadline(): void;
  /** What earlier tests' requests did to this submission's app on this server (see hang-ledger.ts). */
  ledger?: HangLedger;
  /** Fetch the app process's records now (they normally arrive after the test): answeredBy() needs them. */
  settle?: () => Promise<void>;
  /** Restart one worker of a prefork pool; absent on the other servers. */
  restartWorker?: (worker: number) => Promise<void>;
}

/** What matching a record needs of a request (every request of a test keeps this much, however many it sent). */
export interface SentRequest {
  request: { method: string; target: string };
  response?: { status: number };
}

/** An app error, tied to the exchange during which it was recorded. */
export interface ObservedError {
  error: AppErrorRecord;
  /** Index of the request in the test (uncapped). */
  requestIndex: number;
  status?: number;
}

const HANG_HINT = 'Look for a loop that never ends: a while or for whose condition never changes, or a function that calls itself without end.';

/**
 * A request as the transcript shows it: as written to the socket (`wire`),
 * header for header; what would have been sent when nothing was written.
 */
function sentRequest(prepared: PreparedRequest, wire?: Uint8Array): Exchange['request'] {
  const written = wire === undefined ? undefined : parseWireRequest(wire);
  if (written === undefined) {
    return {
      method: prepared.method,
      target: prepared.target,
      headers: transcriptHeaders(prepared),
      ...(prepared.body === undefined ? {} : { body: excerpt(prepared.body).text }),
    };
  }
  return {
    method: written.method,
    target: written.target,
    headers: written.headers,
    ...(written.body.length === 0 ? {} : { body: excerpt(written.body).text }),
  };
}

/** The curl line sending the same headers as `wire` (or, when nothing was written, as the request would have). */
function curlOf(prepared: PreparedRequest, wire?: Uint8Array): string {
  const written = wire === undefined ? undefined : parseWireRequest(wire);
  const headers = written?.headers ?? (prepared.raw ? prepared.headers : transcriptHeaders(prepared));
  return curlCommand({ method: prepared.method, target: prepared.target, headers, ...(prepared.body === undefined ? {} : { body: prepared.body }) });
}

/** A digest of requests, in order: what the app was sent, byte for byte. */
function digestOf(requests: readonly PreparedRequest[]): string {
  const hash = createHash('sha256');
  for (const request of requests) {
    hash.update('\0\0').update(request.method).update(' ').update(request.target);
    for (const [name, value] of request.headers) hash.update('\n').update(name).update(':').update(value);
    hash.update(request.chunked ? '\0chunked\0' : '\0\0').update(request.raw ? 'raw' : '');
    if (request.body !== undefined) hash.update(request.body);
  }
  return hash.digest('base64');
}

/** Characters of the app's output kept per test: enough to see what it printed, not a flood. */
export const APP_OUTPUT_LIMIT = 8 * 1024;

export class GradingContext implements TestContext {
  readonly server: ServerName;
  readonly runs: number;
  readonly runSeed: number;
  readonly transcript = new Transcript();
  /** App errors and contract violations seen while the test ran. */
  readonly appErrors: ObservedError[] = [];
  /** What the app printed while the test's requests ran (at most APP_OUTPUT_LIMIT characters). */
  readonly appOutput: AppOutput[] = [];
  private appOutputSize = 0;
  /** Set when a request got no answer: the engine must not reuse this process. */
  transportError: TransportError | undefined;
  /** The requests sent since the app was new, up to the one that got no answer (see ContextOptions.ledger). */
  hungSequence: string | undefined;
  /** The route (see routeOf) of the request that got no answer or lost its connection. */
  failedRoute: string | undefined;
  /** True once the test read `seed`: it is a property test and its seed is reported. */
  seedUsed = false;

  private readonly options: ContextOptions;
  private readonly seedValue: number;
  /** Method, target and status of every request of the test, in order: records are matched against them. */
  private readonly sent: SentRequest[] = [];
  /**
   * The whole exchanges still kept, by request index: those the capped
   * transcript holds (at most TRANSCRIPT_LIMIT), so hundreds of property
   * requests do not pile up bodies and environs.
   */
  private readonly kept = new Map<number, Exchange>();
  /** Requests before this index were sent before the last clearTranscript(): their records are ignored. */
  private clearedBefore = 0;
  /** The requests sent since the app was new (see ContextOptions.ledger). */
  private sinceFresh: PreparedRequest[] = [];
  /** Which worker answered each request, by index (prefork records say). */
  private readonly answers: Array<WorkerAnswer | undefined> = [];
  /** Requests before this index had their records attached already (answeredBy() fetched them). */
  private attachedBefore = 0;

  constructor(options: ContextOptions) {
    this.options = options;
    this.server = options.server;
    this.runs = options.runs;
    this.runSeed = options.runSeed;
    this.seedValue = options.seed;
  }

  get seed(): number {
    this.seedUsed = true;
    return this.seedValue;
  }

  async request(method: string, target: string, options?: RequestOptions): Promise<Reply> {
    this.options.checkDeadline();
    const prepared = prepareRequest(method, target, options);
    this.sinceFresh.push(prepared);
    const route = routeOf(prepared.method, prepared.target);
    // The digest is made only when it matters: most submissions never hang.
    const plan = this.options.ledger?.plan(route, () => digestOf(this.sinceFresh), this.options.requestTimeoutMs);
    if (plan?.kind === 'unsent') this.failUnsent(prepared, plan.message, plan.hang);
    const started = performance.now();
    const result = await send(this.options.client, prepared, plan?.timeoutMs ?? this.options.requestTimeoutMs, this.mayWaitLonger);
    const durationMs = Math.round(performance.now() - started);

    const exchange: Exchange = { request: sentRequest(prepared, result.wire), durationMs };
    if (result.ok) {
      const body = excerpt(result.reply.bytes);
      exchange.response = {
        status: result.reply.status,
        ...(result.reply.reason === undefined ? {} : { reason: result.reply.reason }),
        headers: result.reply.rawHeaders,
        body: body.text,
        ...(body.truncated ? { bodyTruncated: true } : {}),
      };
    } else {
      exchange.error = result.error.message;
    }
    this.sent.push({
      request: { method: prepared.method, target: prepared.target },
      ...(exchange.response === undefined ? {} : { response: { status: exchange.response.status } }),
    });
    this.keep(this.sent.length - 1, exchange, curlOf(prepared, result.wire));

    if (result.ok) this.options.ledger?.answered();
    else {
      if (result.error.kind === 'timeout') this.hungSequence = digestOf(this.sinceFresh);
      this.failedRoute = route;
      this.transportError = result.error;
      throw new GradeFailure(this.withDefaults({
        message: plan?.note === undefined || result.error.kind !== 'timeout' ? result.error.message : `${result.error.message} (${plan.note})`,
        expected: `a response to ${prepared.method} ${prepared.target}`,
        actual: result.error.kind === 'timeout' ? 'no response' : result.error.message,
        ...(result.error.kind === 'timeout' ? { hint: HANG_HINT } : {}),
      }));
    }
    return result.reply;
  }

  /**
   * A request unanswered at its limit may wait longer when the app's process
   * answers the grader: the app (synchronous, one request at a time) is not
   * running, so the delay is the machine's. A process stuck in the app cannot
   * answer, and the request fails as a hang.
   */
  private readonly mayWaitLonger = (): Promise<boolean> => this.options.app.responsive?.(RESPONSIVE_PROBE_MS) ?? Promise.resolve(false);

  async freshApp(): Promise<void> {
    await this.options.app.fresh();
    this.sinceFresh = [];
  }

  /**
   * What earlier tests found says this request would hang or end the app
   * again (see hang-ledger.ts): it is not sent, and the test does not wait
   * out the time limit once more; `message` says why.
   */
  private failUnsent(prepared: PreparedRequest, message: string, hang: boolean): never {
    // In the transcript, not among the requests records are matched to: the app never saw it.
    this.transcript.record({ request: sentRequest(prepared), durationMs: 0, error: message }, curlOf(prepared));
    throw new GradeFailure(this.withDefaults({
      message,
      expected: `a response to ${prepared.method} ${prepared.target}`,
      actual: hang ? 'no response' : 'not sent',
      ...(hang ? { hint: HANG_HINT } : {}),
    }));
  }

  /** Forget the transcript and everything tied to the requests so far: their exchanges, their app errors and any record still to come for them. */
  clearTranscript(): void {
    this.transcript.clear();
    this.kept.clear();
    this.appErrors.length = 0;
    this.appOutput.length = 0;
    this.appOutputSize = 0;
    this.clearedBefore = this.sent.length;
  }

  requestCount(): number {
    return this.sent.length;
  }

  async answeredBy(): Promise<Array<WorkerAnswer | undefined>> {
    await this.options.settle?.();
    return this.sent.map((_, index) => this.answers[index]);
  }

  async restartWorker(worker: number): Promise<void> {
    if (this.options.restartWorker === undefined) throw new Error(`restartWorker() needs the prefork server; this test runs on ${this.server}`);
    await this.options.restartWorker(worker);
  }

  /** Exchanges the test sent that are no longer kept (cleared, or cut from the middle of a long transcript). */
  get droppedExchanges(): number {
    return this.sent.length - this.kept.size;
  }

  private keep(index: number, exchange: Exchange, curl: string): void {
    this.kept.set(index, exchange);
    const evicted = this.transcript.record(exchange, curl);
    if (evicted === undefined) return;
    for (const [at, kept] of this.kept) {
      if (kept === evicted) {
        this.kept.delete(at);
        break;
      }
    }
  }

  fail(failure: Failure): never {
    throw new GradeFailure(this.withDefaults(failure));
  }

  expectStatus(reply: Reply, expected: number | readonly number[], detail?: Detail): void {
    assert.expectStatus(this.failFn, reply, expected, detail);
  }

  expectHeader(reply: Reply, name: string, expected?: assert.HeaderExpectation, detail?: Detail): string {
    return assert.expectHeader(this.failFn, reply, name, expected, detail);
  }

  expectNoHeader(reply: Reply, name: string, detail?: Detail): void {
    assert.expectNoHeader(this.failFn, reply, name, detail);
  }

  expectJson(reply: Reply, detail?: Detail): unknown {
    return assert.expectJson(this.failFn, reply, detail);
  }

  expectEqual(actual: unknown, expected: unknown, message: string, detail?: Detail): void {
    assert.expectEqual(this.failFn, actual, expected, message, detail);
  }

  expectTrue(condition: boolean, failure: Omit<Failure, 'why' | 'hint'> & Detail): asserts condition {
    if (!condition) this.fail(failure);
  }

  private readonly failFn: assert.Fail = (failure) => this.fail(failure);

  /** The spec's rule and hint stand in for whatever the assertion left out. */
  private withDefaults(failure: Failure): Failure {
    return { ...failure, why: failure.why ?? this.options.spec.rule, hint: failure.hint ?? this.options.spec.hint };
  }

  /** The requests whose records have not arrived yet, with their index: cleared ones included (records still arrive for them). */
  awaitingRecords(): Array<[number, SentRequest]> {
    return this.sent.slice(this.attachedBefore).map((request, i) => [this.attachedBefore + i, request]);
  }

  /** The records made so far were attached: later ones belong to later requests. */
  markAttached(): void {
    this.attachedBefore = this.sent.length;
  }

  /** What the app recorded for request `index` of this test: its environ, its errors. Records of cleared requests are dropped. */
  absorb(index: number, record: RequestRecord): void {
    if (record.worker !== undefined) this.answers[index] = { worker: record.worker, ...(record.pid === undefined ? {} : { pid: record.pid }) };
    if (index < this.clearedBefore) return;
    const exchange = this.kept.get(index);
    if (exchange !== undefined && exchange.environ === undefined) exchange.environ = record.environ;
    if (exchange !== undefined && record.worker !== undefined) exchange.worker = record.worker;
    const status = this.sent[index]?.response?.status;
    for (const error of record.errors) this.appErrors.push({ error, requestIndex: index, ...(status === undefined ? {} : { status }) });
    for (const piece of record.output) {
      if (this.appOutputSize >= APP_OUTPUT_LIMIT) break;
      const text = piece.text.slice(0, APP_OUTPUT_LIMIT - this.appOutputSize);
      this.appOutputSize += text.length;
      this.appOutput.push({ stream: piece.stream, text });
    }
  }
}

/**
 * Hand the records an app process made to the tests that ran on it, in
 * order. Drained once for several tests (a round trip per test would cost
 * more than the test): the records are matched to the requests of all of them.
 */
export function attachRecords(contexts: readonly GradingContext[], records: readonly RequestRecord[]): void {
  const owners: Array<[GradingContext, number]> = [];
  const sent: SentRequest[] = [];
  for (const context of contexts) {
    for (const [index, exchange] of context.awaitingRecords()) {
      owners.push([context, index]);
      sent.push(exchange);
    }
  }
  for (const [record, index] of matchRecords(records, sent)) {
    const owner = index === undefined ? undefined : owners[index];
    if (owner !== undefined) owner[0].absorb(owner[1], record);
  }
  for (const context of contexts) context.markAttached();
}

function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function sameRequest(environ: Record<string, string>, exchange: SentRequest): boolean {
  if (environ.REQUEST_METHOD !== exchange.request.method) return false;
  const [path = '', query = ''] = exchange.request.target.split(/\?(.*)/s, 2);
  const seenPath = (environ.SCRIPT_NAME ?? '') + (environ.PATH_INFO ?? '');
  return (environ.QUERY_STRING ?? '') === query && (seenPath === decodePath(path) || seenPath === path);
}

/**
 * Records come in arrival order, one per request that reached the app (a
 * request the server refused, e.g. 413, has none): pair each with the next
 * request of the same method and path, falling back to plain order.
 */
export function matchRecords(records: readonly RequestRecord[], sent: readonly SentRequest[]): Array<[RequestRecord, number | undefined]> {
  const pairs: Array<[RequestRecord, number | undefined]> = [];
  let next = 0;
  for (const record of records) {
    let found: number | undefined;
    for (let i = next; i < sent.length; i++) {
      const exchange = sent[i];
      if (exchange !== undefined && sameRequest(record.environ, exchange)) {
        found = i;
        break;
      }
    }
    if (found === undefined && next < sent.length) found = next;
    pairs.push([record, found]);
    if (found !== undefined) next = found + 1;
  }
  return pairs;
}
