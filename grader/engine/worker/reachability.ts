/**
 * Whether the grader could reach one server's app processes at all.
 *
 * A submission is "unreachable" on a server, and so not graded there, only
 * on evidence that excludes its code: every test that ran there failed to
 * connect (refused, reset or closed before any byte of a response) while the
 * app process was loaded and still alive afterwards, no response ever came,
 * and no request ever reached the app (the app process records each request
 * it is handed; it recorded none). A loaded app cannot refuse connections it
 * never sees: that is a firewall, a broken loopback, a platform quirk — the
 * machine's problem, not the student's.
 *
 * After a few such tests the rest fail at once with the same reason, rather
 * than each waiting for its connection to fail.
 */
import type { Failure, ServerName } from '../../results/types.ts';

/** Tests in a row that failed to connect, with nothing ever reached, before the rest are not tried. */
export const UNREACHABLE_AFTER = 3;

/** How one test on a live app process went, as far as reaching it goes. */
export interface Contact {
  /** Some request of the test got a response (whatever its status). */
  answered: boolean;
  /** The connection error the test ended on, when it ended on one. */
  connectError?: string;
}

export class Reachability {
  private readonly server: ServerName;
  private tests = 0;
  private failedToConnect = 0;
  private reached = false;
  private firstError: string | undefined;

  constructor(server: ServerName) {
    this.server = server;
  }

  /** One test that ran on a live app process (a crash or a start failure is not contact either way). */
  noteTest(contact: Contact): void {
    this.tests++;
    if (contact.answered) this.reached = true;
    else if (contact.connectError !== undefined) {
      this.failedToConnect++;
      this.firstError ??= contact.connectError;
    }
  }

  /** Records of requests the app process was handed: any at all means the app was reached. */
  noteRecords(count: number): void {
    if (count > 0) this.reached = true;
  }

  private get neverReached(): boolean {
    return this.tests > 0 && !this.reached && this.failedToConnect === this.tests;
  }

  /** The server and its first connection error, once every test so far failed to connect and nothing reached the app. */
  get verdict(): { server: ServerName; error: string } | undefined {
    if (!this.neverReached) return undefined;
    return { server: this.server, error: this.firstError ?? 'every connection failed' };
  }

  /** The failure of the tests not tried, once UNREACHABLE_AFTER tests failed to connect. */
  get tripped(): Failure | undefined {
    if (this.failedToConnect < UNREACHABLE_AFTER || !this.neverReached) return undefined;
    return unreachableFailure(`not run: the grader could not connect to the app on ${this.server} (${this.firstError ?? 'every connection failed'})`);
  }
}

/** The status detail of an unreachable submission: which servers, what the connections did. */
export function unreachableDetail(verdicts: ReadonlyArray<{ server: ServerName; error: string }>): string {
  const errors = [...new Set(verdicts.map((v) => v.error))];
  const names = verdicts.map((v) => v.server);
  const servers = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? '');
  return `the grader could not connect to the app on ${servers}, although the app loaded and kept running: no request reached it ` +
    `(connection error: ${errors.join('; ')})`;
}

/** A test failure that says plainly the code is not at fault. */
export function unreachableFailure(message: string): Failure {
  return {
    message,
    expected: 'the grader to reach the app process over loopback TCP',
    actual: 'every connection failed before any request reached the app',
    why: 'This is a problem with the machine that ran the grader (a firewall, loopback networking, a platform quirk), not with the submitted code.',
    hint: 'Grade again on a machine where the grader can connect to 127.0.0.1; if it persists, report it with this output.',
  };
}
