/**
 * Tells the servers' request lines from the rest of their log.
 *
 * The servers write everything to one sink: request lines (Common Log
 * Format, grader/servers/common/access-log.ts), app errors with their stacks,
 * and what the app writes to wsgi.errors. A graded app process drops the
 * request lines only: they cost a write per request and filled the
 * submission's captured output, which is there for the app's own messages.
 */

/** Exactly what formatAccessLine() makes: host - - [time] "request" status bytes (the request has no raw quote: it is escaped). */
const ACCESS_LINE = /^\S+ - - \[\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] "[^"\n]*" (?:\d{3}|-) (?:\d+|-)\n?$/;

export function isAccessLine(line: string): boolean {
  return ACCESS_LINE.test(line);
}
