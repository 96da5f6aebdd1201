/**
 * Detecting a response iterable the server never closed.
 *
 * PEP 3333 "Specification Details": the server "must call [close()] upon
 * completion of the current request, whether the request was completed
 * normally, or terminated early due to an application error during iteration
 * or an early disconnect of the browser". wsgiref.validate can only notice
 * the omission when the iterable is garbage collected, and prints it. Here:
 *
 * - When the server is done iterating (the iterator reported done, next()
 *   threw, or the server called return()), a check is armed for the end of
 *   the current macrotask (setImmediate) — or `graceMs` later when set. A
 *   server that closes in a `finally` around its loop, or after awaiting
 *   promises that are already settled, is on time; one that waits for I/O
 *   (a socket's 'finish') before closing needs a grace period.
 * - An iterable the server dropped without finishing or closing is caught
 *   when it is garbage collected (a FinalizationRegistry, like validate.py's
 *   __del__); when that happens is up to the engine.
 *
 * Either way the violation is written at once to the request's wsgi.errors
 * (the server's log) and kept: the next call of the validated application
 * throws it, so the server's handler reports it as a 500 the way it reports
 * any other violation. Timers are unref()'d: they never keep a process alive.
 */
import type { ErrorStream } from '../types.ts';
import type { WsgiViolation } from '../violation.ts';
import { violation } from './codes.ts';

/** One response iterable being watched. */
export interface CloseTicket {
  closed: boolean;
  reported: boolean;
  /** The request's original wsgi.errors (not the app's checked wrapper). */
  readonly errors: ErrorStream;
  readonly label: string;
}

export class CloseWatch {
  private readonly pending: WsgiViolation[] = [];
  private readonly registry = new FinalizationRegistry<CloseTicket>((ticket) => {
    this.expire(ticket, 'was garbage-collected without close() having been called');
  });

  /** `graceMs` 0 checks at the end of the current macrotask. */
  constructor(private readonly graceMs = 0) {}

  /** A ticket for one response; `label` names the request in messages, e.g. 'GET /todos'. */
  ticket(errors: ErrorStream, label: string): CloseTicket {
    return { closed: false, reported: false, errors, label };
  }

  /** Watch `body`, the object handed to the server, for being dropped unclosed. */
  register(body: object, ticket: CloseTicket): void {
    if (!ticket.closed) this.registry.register(body, ticket, ticket);
  }

  /** The server called close(). */
  closed(ticket: CloseTicket): void {
    ticket.closed = true;
    this.registry.unregister(ticket);
  }

  /** The server is done iterating: close() is due now. */
  finished(ticket: CloseTicket): void {
    if (ticket.closed) return;
    const check = (): void => this.expire(ticket, 'was iterated to its end but not closed');
    if (this.graceMs > 0) setTimeout(check, this.graceMs).unref();
    else setImmediate(check).unref();
  }

  /** The oldest unreported-to-the-app violation, removed from the queue. */
  takePending(): WsgiViolation | undefined {
    return this.pending.shift();
  }

  private expire(ticket: CloseTicket, what: string): void {
    if (ticket.closed || ticket.reported) return;
    ticket.reported = true;
    this.registry.unregister(ticket);
    const found = violation('iterable-not-closed', `the response iterable of ${ticket.label} ${what}`);
    this.pending.push(found);
    try {
      ticket.errors.write(`${found.message}\n`);
      ticket.errors.flush();
    } catch {
      // The request's log may be gone; the next call still reports it.
    }
  }
}
