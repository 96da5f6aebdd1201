/**
 * The Date header. RFC 9110 §6.6.1: an origin server with a clock MUST send
 * Date; §5.6.7: in IMF-fixdate form, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
 */

/** Format a moment as an IMF-fixdate (RFC 9110 §5.6.7). */
export function httpDate(date: Date = new Date()): string {
  // toUTCString() is specified (ECMA-262 §21.4.4.43) to produce exactly this form.
  return date.toUTCString();
}
