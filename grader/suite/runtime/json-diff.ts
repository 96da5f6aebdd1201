/**
 * Deep equality for JSON-like values that says *where* two values differ,
 * e.g. `.items[2].done is false, expected true`, so a student sees the field.
 */

/** A short JSON rendering for messages (long values are cut). */
export function show(value: unknown, max = 200): string {
  let text: string;
  if (value === undefined) text = 'undefined';
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** The first difference between `actual` and `expected`, or undefined when they are equal. */
export function firstDifference(actual: unknown, expected: unknown, path = ''): string | undefined {
  const where = path === '' ? 'the value' : path;
  if (Object.is(actual, expected)) return undefined;
  const ka = kind(actual);
  const ke = kind(expected);
  if (ka !== ke) return `${where} is ${show(actual)} (${ka}), expected ${show(expected)} (${ke})`;
  if (ka === 'array') {
    const a = actual as unknown[];
    const e = expected as unknown[];
    const n = Math.min(a.length, e.length);
    for (let i = 0; i < n; i++) {
      const diff = firstDifference(a[i], e[i], `${path}[${i}]`);
      if (diff !== undefined) return diff;
    }
    if (a.length !== e.length) return `${where} has ${a.length} items, expected ${e.length}`;
    return undefined;
  }
  if (ka === 'object') {
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    for (const key of Object.keys(e)) {
      if (!Object.hasOwn(a, key)) return `${path}.${key} is missing, expected ${show(e[key])}`;
      const diff = firstDifference(a[key], e[key], `${path}.${key}`);
      if (diff !== undefined) return diff;
    }
    for (const key of Object.keys(a)) {
      if (!Object.hasOwn(e, key)) return `${path}.${key} is not expected (got ${show(a[key])})`;
    }
    return undefined;
  }
  return `${where} is ${show(actual)}, expected ${show(expected)}`;
}
