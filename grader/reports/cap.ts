/**
 * Size caps shared by every report. A runaway body or transcript is cut, never
 * dropped, and the cut is always visible ("… [truncated N bytes]") so nobody
 * mistakes an excerpt for the whole thing.
 */

export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

export function truncationMark(droppedBytes: number): string {
  return `… [truncated ${droppedBytes} bytes]`;
}

/**
 * The longest prefix of `text` that fits in `maxBytes` of UTF-8, cut on a
 * code point boundary (a surrogate pair is never split).
 */
export function prefixBytes(text: string, maxBytes: number): string {
  if (maxBytes <= 0) return '';
  let bytes = 0;
  let end = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += ch.length;
  }
  return text.slice(0, end);
}

/**
 * `text` if it fits in `maxBytes` (UTF-8), else a prefix followed by the
 * truncation mark naming how many bytes were left out. The result itself
 * may exceed maxBytes by the mark's length: the cap is on the content kept.
 */
export function excerpt(text: string, maxBytes: number): string {
  // A UTF-16 code unit is at most 3 UTF-8 bytes: short strings need no counting.
  if (text.length * 3 <= maxBytes) return text;
  const total = byteLength(text);
  if (total <= maxBytes) return text;
  const kept = prefixBytes(text, maxBytes);
  return `${kept}${truncationMark(total - byteLength(kept))}`;
}

/** At most `maxLines` lines of `text`, each line also kept to `maxBytes` overall. */
export function excerptLines(text: string, maxLines: number, maxBytes: number): string {
  const capped = excerpt(text, maxBytes);
  const lines = capped.split('\n');
  if (lines.length <= maxLines) return capped;
  const kept = lines.slice(0, maxLines).join('\n');
  return `${kept}\n${truncationMark(byteLength(text) - byteLength(kept))}`;
}

/** Caps every string in a JSON-like value; arrays and objects keep all their entries. */
export function capStrings<T>(value: T, maxBytes: number): T {
  return capValue(value, maxBytes) as T;
}

function capValue(value: unknown, maxBytes: number): unknown {
  if (typeof value === 'string') return excerpt(value, maxBytes);
  if (Array.isArray(value)) return value.map((v) => capValue(v, maxBytes));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = capValue(v, maxBytes);
    return out;
  }
  return value;
}
