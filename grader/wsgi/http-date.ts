/**
 * The Date header. RFC 9110 §6.6.1: an origin server with a clock MUST send
 * Date; §5.6.7: in IMF-fixdate form, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
 */

/** The current second and its text: the header changes once a second, not once a request. */
let cachedSecond = NaN;
let cachedText = '';

/** Format a moment (now, by default) as an IMF-fixdate (RFC 9110 §5.6.7). */
export function httpDate(date?: Date): string {
  // toUTCString() is specified (ECMA-262 §21.4.4.43) to produce exactly this form.
  if (date !== undefined) return date.toUTCString();
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== cachedSecond) {
    cachedText = new Date(now).toUTCString();
    cachedSecond = second;
  }
  return cachedText;
}
