/**
 * Which transfer codings a request may use, for both servers: only chunked,
 * once, and last (RFC 9112 §6.1, §6.3, §7). A coding a server does not
 * decode (gzip, deflate, identity, …) gets 501: the body would reach the app
 * still coded, as if it were plain. node:http decodes chunked and hands any
 * other coding through, so the simple server asks here too.
 */

/** A request refused for its transfer coding: 400 when its framing is broken, 501 when a coding is not supported. */
export interface CodingRefusal {
  readonly status: 400 | 501;
  readonly message: string;
}

/** The refusal for the Transfer-Encoding field values of a request, or undefined when chunked alone frames it. */
export function refuseTransferCoding(headerValues: readonly string[]): CodingRefusal | undefined {
  const codings = headerValues.flatMap((v) => v.split(',')).map((t) => t.trim().toLowerCase());
  if (codings.some((c) => c === '')) return { status: 400, message: 'empty transfer coding' };
  const chunked = codings.filter((c) => c === 'chunked').length;
  if (chunked > 1) return { status: 400, message: 'chunked applied more than once (RFC 9112 §6.1)' };
  // §6.3 item 4: a request whose final coding isn't chunked can't be delimited.
  if (chunked === 1 && codings[codings.length - 1] !== 'chunked') {
    return { status: 400, message: 'chunked is not the final transfer coding (RFC 9112 §6.3)' };
  }
  const unknown = codings.find((c) => c !== 'chunked');
  if (unknown !== undefined) return { status: 501, message: `transfer coding "${unknown}" is not supported (RFC 9112 §6.1)` };
  return undefined;
}
