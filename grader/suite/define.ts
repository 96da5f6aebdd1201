/**
 * The format of a conformance suite file, public or hidden (instructors' --tests).
 *
 * A suite file default-exports defineSuite(name, build). build() declares
 * groups and tests; the engine registers them with vitest once per server
 * (tests are parameterised by server, never copied per server). Each test
 * starts on a fresh app: state never leaks between tests and order does not
 * matter.
 */
import type { Failure, Tier } from '../results/types.ts';
import type { ServerName } from '../servers/names.ts';

export interface TestSpec {
  /** Stable, unique across all suites, e.g. "core.create.status-201". */
  id: string;
  /** One line a student reads, e.g. "POST /todos answers 201 Created". */
  title: string;
  tier: Tier;
  /** Total points; split equally between the servers. */
  points: number;
  /** The rule, named the way the lecture names it, e.g. "Status codes: 201 Created for a new resource". */
  rule: string;
  /** Where a student should look first when the test fails. */
  hint: string;
  /** The Richardson maturity level this test is evidence for. */
  richardson?: 1 | 2 | 3;
  /** The servers the test runs on; its points are split between them. Default: simple and socket. */
  servers?: readonly ServerName[];
  /** Set when the test cannot run here: it is skipped with this one-line reason and counts for no points. */
  skip?: string;
}

/** Which prefork worker answered a request. */
export interface WorkerAnswer {
  /** 1-based index of the worker. */
  worker: number;
  pid?: number;
}

export interface RequestOptions {
  /** Request headers. Content-Type defaults to application/json when `json` is given. */
  headers?: Record<string, string>;
  /** Raw body, sent as is with Content-Length. */
  body?: string | Uint8Array;
  /** A value sent as JSON (Content-Type: application/json). */
  json?: unknown;
  /** Send the body with Transfer-Encoding: chunked instead of Content-Length. */
  chunked?: boolean;
  /**
   * Write the request byte for byte over a connection of its own: the
   * request line, Host (unless in `headers`), exactly `headers`, the body.
   * No header is added — no Content-Length unless `headers` has one — so a
   * test can send what an HTTP client never would (a POST with no
   * Content-Length at all). Default: an HTTP client, which adds Host,
   * Connection and Content-Length (or Transfer-Encoding).
   */
  raw?: boolean;
}

export interface Reply {
  status: number;
  reason?: string;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  rawHeaders: Array<[string, string]>;
  bytes: Uint8Array;
  /** The body decoded as UTF-8. */
  text: string;
}

/** Extra words for a failing assertion; the test's spec supplies the defaults. */
export interface Detail {
  why?: string;
  hint?: string;
}

export interface TestContext {
  readonly server: ServerName;
  /** The seed of this test (property tests draw from it), derived from the run seed and the test's id. */
  readonly seed: number;
  /** The run's seed (--seed): the value a student passes to reproduce this test's random sequences. */
  readonly runSeed: number;
  /** How many random runs a property test makes. */
  readonly runs: number;

  /** Send one request to the app (recorded in the transcript). */
  request(method: string, target: string, options?: RequestOptions): Promise<Reply>;
  /** Replace the app by a fresh instance (new state). Each test already starts fresh. */
  freshApp(): Promise<void>;
  /** Forget the transcript so far (a property test keeps only its minimal case). */
  clearTranscript(): void;
  /** How many requests the test has sent so far (the next one is number requestCount() + 1). */
  requestCount(): number;
  /** For each request of the test so far, in order: which worker answered it (prefork; undefined where unknown). */
  answeredBy(): Promise<Array<WorkerAnswer | undefined>>;
  /** prefork only: kill worker `worker` (1-based) as a crash would, and wait until its replacement serves. */
  restartWorker(worker: number): Promise<void>;

  /** Fail the test with a teaching message. */
  fail(failure: Failure): never;
  /** The status must be one of `expected`. */
  expectStatus(reply: Reply, expected: number | readonly number[], detail?: Detail): void;
  /** The header must be present and match (string: exact, RegExp: test, function: predicate). */
  expectHeader(reply: Reply, name: string, expected?: string | RegExp | ((value: string) => boolean), detail?: Detail): string;
  /** The header must be absent. */
  expectNoHeader(reply: Reply, name: string, detail?: Detail): void;
  /** Content-Type must be application/json and the body must parse; returns the value. */
  expectJson(reply: Reply, detail?: Detail): unknown;
  /** Deep equality of JSON-like values, with a message naming what differs. */
  expectEqual(actual: unknown, expected: unknown, message: string, detail?: Detail): void;
  /** A condition with its own message. */
  expectTrue(condition: boolean, failure: Omit<Failure, 'why' | 'hint'> & Detail): asserts condition;
}

export type TestBody = (t: TestContext) => Promise<void>;

export interface SuiteBuilder {
  /** A group shares one app process per server (fresh app instance per test). */
  group(name: string, body: () => void): void;
  test(spec: TestSpec, body: TestBody): void;
}

export interface SuiteDefinition {
  name: string;
  build(s: SuiteBuilder): void;
}

/** Declare a suite; a suite file's default export. */
export function defineSuite(name: string, build: (s: SuiteBuilder) => void): SuiteDefinition {
  return { name, build };
}
