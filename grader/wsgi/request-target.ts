/**
 * From an HTTP request-target to PATH_INFO and QUERY_STRING.
 *
 * RFC 9112 §3.2: the target is in origin-form ("/path?query"), absolute-form
 * ("http://host/path?query", which a server MUST accept), or "*" for OPTIONS.
 * PEP 3333 "environ Variables": PATH_INFO is the path, percent-decoded;
 * QUERY_STRING is the part after "?", left as it came.
 */

export interface SplitTarget {
  /** The still-encoded path, "/" when an absolute-form target has none. */
  rawPath: string;
  /** Everything after the first "?", not decoded; "" when there is none. */
  query: string;
}

const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/;

/**
 * Split a request-target into path and query (RFC 9112 §3.2). The authority
 * of an absolute-form target is dropped: PATH_INFO never holds it. A fragment
 * cannot be sent on the wire (RFC 9112 §3.2.1); if one is, it is dropped.
 */
export function splitTarget(target: string): SplitTarget {
  let rest = target;
  // Origin-form (nearly every request) starts with "/": no authority to look for.
  const authority = target.startsWith('/') ? null : ABSOLUTE_FORM.exec(rest);
  if (authority) {
    rest = rest.slice(authority[0].length);
    if (!rest.startsWith('/')) rest = `/${rest}`;
  }
  const hash = rest.indexOf('#');
  if (hash !== -1) rest = rest.slice(0, hash);
  const question = rest.indexOf('?');
  if (question === -1) return { rawPath: rest, query: '' };
  return { rawPath: rest.slice(0, question), query: rest.slice(question + 1) };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();
const HEX_PAIR = /^[0-9A-Fa-f]{2}$/;

/** One byte of the path and how it was spelled, to restore it when it can't be decoded. */
interface PathByte {
  byte: number;
  spelling: string;
}

/** Bytes a UTF-8 sequence starting with `lead` should have (RFC 3629 §4); 0 = not a lead byte. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/**
 * Percent-decode a path as UTF-8 (PEP 3333 "environ Variables": PATH_INFO is
 * decoded; this kit decodes to UTF-8 text, since JavaScript strings are text,
 * where Python servers use latin-1 "bytes-as-str"). "%2F" becomes "/", and "+"
 * stays "+" (that rule belongs to form data, not to paths). An escape that is
 * not two hex digits, or bytes that are not valid UTF-8, stay exactly as
 * written, so nothing is lost and decoding never throws.
 */
export function decodePath(rawPath: string): string {
  if (!rawPath.includes('%')) return rawPath;
  const bytes: PathByte[] = [];
  for (let i = 0; i < rawPath.length; ) {
    const hex = rawPath.slice(i + 1, i + 3);
    if (rawPath[i] === '%' && HEX_PAIR.test(hex)) {
      bytes.push({ byte: Number.parseInt(hex, 16), spelling: rawPath.slice(i, i + 3) });
      i += 3;
      continue;
    }
    const codePoint = rawPath.codePointAt(i) ?? 0;
    const char = String.fromCodePoint(codePoint);
    // The first byte carries the character's spelling; the rest spell nothing.
    encoder.encode(char).forEach((byte, index) => bytes.push({ byte, spelling: index === 0 ? char : '' }));
    i += char.length;
  }
  return decodeBytes(bytes);
}

function decodeBytes(bytes: readonly PathByte[]): string {
  let text = '';
  for (let i = 0; i < bytes.length; ) {
    const size = sequenceLength(bytes[i]!.byte);
    const sequence = bytes.slice(i, i + size);
    const decoded = size > 0 && sequence.length === size ? tryUtf8(sequence) : undefined;
    if (decoded !== undefined) {
      text += decoded;
      i += size;
    } else {
      text += bytes[i]!.spelling;
      i += 1;
    }
  }
  return text;
}

function tryUtf8(sequence: readonly PathByte[]): string | undefined {
  try {
    return utf8.decode(Uint8Array.from(sequence, (item) => item.byte));
  } catch {
    return undefined;
  }
}
