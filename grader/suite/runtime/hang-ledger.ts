/**
 * What requests did to one submission's app processes on one server, kept
 * across its tests, so a hang or a crash that will come again does not cost
 * the full request timeout and a new process every time:
 *
 * - the same requests from a new app on (byte for byte) that left a process
 *   stuck for good are not sent again: a deterministic app hangs again;
 * - a request to a route (method and path, ids generalised) that left a
 *   process stuck for good is sent with a shorter limit: the app may answer
 *   it in another state (a loop only for an existing id), so it is still sent;
 * - an app that has answered no request at all and got stuck or ended its
 *   process on BREAKER_ROUTES different routes is not sent any more requests.
 *
 * "Stuck for good" is the engine's finding: no answer within the request
 * timeout, and the process did not even answer the grader. Every request
 * left unsent fails its test with a message saying so and why.
 */
import { formatDuration } from './http.ts';

/** Distinct routes that went wrong, with no request ever answered, before the rest is not sent. */
export const BREAKER_ROUTES = 3;

/** The shorter limit for a route that left a process stuck before (never above the request timeout). */
export const SHORT_LIMIT_MS = 500;

type Trouble = 'stuck' | 'crashed';

interface RouteTrouble {
  kind: Trouble;
  /** The test it happened in. */
  test: string;
}

/** What the context does with a request. */
export type SendPlan =
  | { kind: 'send'; timeoutMs: number; note?: string }
  | { kind: 'unsent'; message: string; hang: boolean };

/** "GET /todos/{id}": the method and path, query left out, numeric or id-like segments generalised. */
export function routeOf(method: string, target: string): string {
  const path = target.split(/[?#]/, 1)[0] ?? '';
  const segments = path.split('/').map((segment) => (/^(\d+|[0-9a-f]{8,}|[0-9a-f-]{32,36})$/i.test(segment) ? '{id}' : segment));
  return `${method} ${segments.join('/')}`;
}

export class HangLedger {
  private readonly sequences = new Set<string>();
  private readonly routes = new Map<string, RouteTrouble>();
  private answeredAny = false;

  /** Some request got an answer (of any status): the app is not stuck on everything. */
  answered(): void {
    this.answeredAny = true;
  }

  /** A request left a process stuck for good: `sequence` is the digest of the requests since the app was new. */
  stuck(route: string, sequence: string | undefined, test: string): void {
    if (sequence !== undefined) this.sequences.add(sequence);
    if (this.routes.get(route)?.kind !== 'stuck') this.routes.set(route, { kind: 'stuck', test });
  }

  /** A request ended the app's process. */
  crashed(route: string, test: string): void {
    if (!this.routes.has(route)) this.routes.set(route, { kind: 'crashed', test });
  }

  /** Why no more requests are sent at all, once the breaker has tripped. */
  get tripped(): string | undefined {
    if (this.answeredAny || this.routes.size < BREAKER_ROUTES) return undefined;
    const seen = [...this.routes].slice(0, BREAKER_ROUTES).map(([route, trouble]) => `${route} in ${trouble.test}`).join(', ');
    return `not sent: this app answered no request on this server, and its process got stuck or ended on ${this.routes.size} routes (${seen}), so no more requests were sent to it`;
  }

  /** How to send `route`, given the digest of the requests since the app was new (computed only when needed). */
  plan(route: string, sequence: () => string, timeoutMs: number): SendPlan {
    const tripped = this.tripped;
    if (tripped !== undefined) return { kind: 'unsent', message: tripped, hang: false };
    if (this.sequences.size > 0 && this.sequences.has(sequence())) {
      return {
        kind: 'unsent',
        message: `no answer within ${formatDuration(timeoutMs)} — an infinite loop? (the same requests left a new app stuck in an earlier test, so they were not sent again)`,
        hang: true,
      };
    }
    const before = this.routes.get(route);
    if (before?.kind !== 'stuck' || timeoutMs <= SHORT_LIMIT_MS) return { kind: 'send', timeoutMs };
    return { kind: 'send', timeoutMs: SHORT_LIMIT_MS, note: `a shorter limit than ${formatDuration(timeoutMs)}: ${route} left the app stuck in ${before.test}` };
  }
}
