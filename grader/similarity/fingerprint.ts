/**
 * The algorithm core: token streams in, pairs out. It knows nothing of
 * TypeScript or of pages. Winnowing (Schleimer, Wilkerson & Aiken, SIGMOD
 * 2003) and template subtraction are @dodona/dolos-core's FingerprintIndex:
 * every k-gram of tokens is hashed, the minimum of each window kept, and any
 * hash of a k-gram of a template file counts for nothing. Pairs are
 * scored here rather than with dolos-core's Pair, whose longest-common-
 * substring step is quadratic in the fingerprints of each pair: a class of
 * 1,000 has 499,500 pairs. Only pairs that share fingerprints are scored,
 * found through the index itself.
 */
import { File, FingerprintIndex, Region, TokenizedFile, WinnowFilter } from '@dodona/dolos-core';
import type { FileEntry, SharedFingerprint } from '@dodona/dolos-core';

export interface Stream {
  name: string;
  tokens: readonly string[];
}

export interface CoreOptions {
  kgram: number;
  window: number;
  /** Merge neighbouring matches split by at most this many tokens of inserted code on either side (0: off). */
  mergeGap: number;
  /** Pairs sharing fewer fingerprints than this are not scored (they share at most that many k-grams). */
  minShared: number;
  /** Fragments kept per pair, longest first. */
  keepFragments: number;
}

/** A shared run of tokens: [start, end] token indices (inclusive) on each side. */
export interface Match {
  a: [number, number];
  b: [number, number];
}

export interface CorePair {
  /** Indices into the streams, a < b. */
  a: number;
  b: number;
  /** Share of both sides' fingerprints that the other side has too, 0..1 (Dolos' similarity). */
  similarity: number;
  /** Tokens in the longest shared fragment, after merging (the shorter side's count). */
  longest: number;
  /** Shared fragments, longest first. */
  fragments: Match[];
}

/** Dolos asserts each k-gram's regions are in order; token order is that order, as the stream was reordered. */
function tokenized(name: string, tokens: readonly string[]): TokenizedFile {
  const mapping = tokens.map((_, i) => new Region(i, 0, i, 1));
  return new TokenizedFile(new File(name, ''), [...tokens], mapping);
}

const SHIFT = 2097152; // 2^21: k-gram indices of one file stay far below it

/**
 * Fragments of consecutive matching k-grams (k-gram i+1 follows i on both
 * sides), as Dolos builds them. `keys` are a·2^21 + b for matching k-gram
 * indices a and b, sorted; spans give each k-gram's first and last token.
 */
function fragmentsOf(keys: Float64Array, spansA: Int32Array, spansB: Int32Array): Match[] {
  const open = new Map<number, Match>();
  const done: Match[] = [];
  for (const key of keys) {
    const a = Math.floor(key / SHIFT);
    const b = key - a * SHIFT;
    const previous = open.get(key - SHIFT - 1);
    if (previous !== undefined) {
      open.delete(key - SHIFT - 1);
      previous.a[1] = Math.max(previous.a[1], spansA[2 * a + 1]!);
      previous.b[1] = Math.max(previous.b[1], spansB[2 * b + 1]!);
      open.set(key, previous);
    } else {
      const match: Match = { a: [spansA[2 * a]!, spansA[2 * a + 1]!], b: [spansB[2 * b]!, spansB[2 * b + 1]!] };
      done.push(match);
      open.set(key, match);
    }
  }
  return done;
}

/**
 * Subsequence match merging (Sağlam et al.): neighbouring fragments, in the
 * same order on both sides, separated by at most `gap` tokens on each side,
 * are one fragment with inserted code in it.
 */
export function mergeFragments(fragments: readonly Match[], gap: number): Match[] {
  const sorted = fragments.map((f) => ({ a: [...f.a] as [number, number], b: [...f.b] as [number, number] })).sort((x, y) => x.a[0] - y.a[0] || x.b[0] - y.b[0]);
  if (gap <= 0) return sorted;
  const out: Match[] = [];
  for (const f of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined) {
      const gapA = f.a[0] - last.a[1];
      const gapB = f.b[0] - last.b[1];
      if (gapA <= gap && gapB <= gap && f.b[0] >= last.b[0] && f.a[1] >= last.a[1] && f.b[1] >= last.b[1]) {
        last.a[1] = f.a[1];
        last.b[1] = f.b[1];
        continue;
      }
    }
    out.push(f);
  }
  return out;
}

const length = (m: Match): number => Math.min(m.a[1] - m.a[0], m.b[1] - m.b[0]) + 1;

export interface CoreResult {
  pairs: CorePair[];
  /** Pairs that shared at least one fingerprint (scored or not). */
  candidates: number;
}

/** Every pair of streams that shares code, scored. Deterministic: the order of `streams` fixes every tie. */
export function comparePairs(streams: readonly Stream[], templates: readonly Stream[], options: CoreOptions, progress?: (done: number, total: number) => void): CoreResult {
  const index = new FingerprintIndex(options.kgram, options.window);
  const files = streams.map((s) => tokenized(s.name, s.tokens));
  index.addFiles(files);
  // Every k-gram of a template is ignored, not only its winnowed ones: a submission winnows the same
  // code in a longer context and may keep other k-grams of it (a window of 1 keeps them all).
  const every = new WinnowFilter(options.kgram, 1);
  index.addIgnoredHashes(templates.flatMap((t) => every.fingerprints([...t.tokens]).map((f) => f.hash)));
  const position = new Map(files.map((f, i) => [f, i]));
  const entries = new Map<number, FileEntry>(index.entries().map((e) => [position.get(e.file)!, e]));

  // Shared fingerprints per pair, through the index: fingerprint → files holding it.
  const n = streams.length;
  // A flat table while it stays small (n² counters), a map beyond.
  const table = n <= 4096 ? new Uint32Array(n * n) : undefined;
  const counts = new Map<number, number>();
  for (const shared of index.sharedFingerprints()) {
    if (shared.ignored) continue;
    const holders = shared.files().map((f) => position.get(f)).filter((i): i is number => i !== undefined).sort((x, y) => x - y);
    for (let x = 0; x < holders.length; x++) {
      for (let y = x + 1; y < holders.length; y++) {
        const key = holders[x]! * n + holders[y]!;
        if (table !== undefined) table[key] = table[key]! + 1;
        else counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
  }
  if (table !== undefined) table.forEach((count, key) => { if (count > 0) counts.set(key, count); });
  const keys = [...counts.entries()].filter(([, c]) => c >= options.minShared).map(([k]) => k).sort((x, y) => x - y);
  // Each file's occurrences of shared (not ignored) fingerprints as (fingerprint number, k-gram index),
  // ordered by fingerprint: pairs meet by a merge. And each k-gram's token span.
  const ids = new Map<SharedFingerprint, number>();
  const occurrences: Int32Array[] = [];
  const spans: Int32Array[] = [];
  files.forEach((file, i) => {
    const entry = entries.get(i)!;
    const span = new Int32Array(entry.kgrams.length * 2);
    entry.kgrams.forEach((range, k) => {
      span[2 * k] = range.from;
      span[2 * k + 1] = range.to;
    });
    spans.push(span);
    const found: Array<[number, number]> = [];
    for (const shared of entry.shared) {
      let id = ids.get(shared);
      if (id === undefined) ids.set(shared, (id = ids.size));
      for (const o of shared.occurrencesOf(file) as Array<{ side: { index: number } }>) found.push([id, o.side.index]);
    }
    found.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    occurrences.push(Int32Array.from(found.flat()));
  });
  // Each side's k-grams, those of the template left out.
  const totals = files.map((file, i) => entries.get(i)!.kgrams.length - countIgnored(entries.get(i)!, file));
  const pairs: CorePair[] = [];
  let buffer = new Float64Array(1024);
  keys.forEach((key, done) => {
    const a = Math.floor(key / n);
    const b = key % n;
    const left = occurrences[a]!;
    const right = occurrences[b]!;
    let count = 0;
    let coveredA = 0;
    let coveredB = 0;
    let i = 0;
    let j = 0;
    while (i < left.length && j < right.length) {
      const id = left[i]!;
      if (id < right[j]!) i += 2;
      else if (id > right[j]!) j += 2;
      else {
        let iEnd = i;
        let jEnd = j;
        while (iEnd < left.length && left[iEnd] === id) iEnd += 2;
        while (jEnd < right.length && right[jEnd] === id) jEnd += 2;
        coveredA += (iEnd - i) / 2;
        coveredB += (jEnd - j) / 2;
        for (let x = i; x < iEnd; x += 2) {
          for (let y = j; y < jEnd; y += 2) {
            if (count === buffer.length) {
              const bigger = new Float64Array(buffer.length * 2);
              bigger.set(buffer);
              buffer = bigger;
            }
            buffer[count++] = left[x + 1]! * SHIFT + right[y + 1]!;
          }
        }
        i = iEnd;
        j = jEnd;
      }
    }
    const matches = buffer.slice(0, count).sort();
    const fragments = mergeFragments(fragmentsOf(matches, spans[a]!, spans[b]!), options.mergeGap).sort((x, y) => length(y) - length(x) || x.a[0] - y.a[0]);
    const denominator = totals[a]! + totals[b]!;
    pairs.push({
      a,
      b,
      similarity: denominator > 0 ? Math.min(1, (coveredA + coveredB) / denominator) : 0,
      longest: fragments[0] === undefined ? 0 : length(fragments[0]),
      fragments: fragments.slice(0, options.keepFragments),
    });
    if (progress !== undefined && (done % 500 === 0 || done === keys.length - 1)) progress(done + 1, keys.length);
  });
  return { pairs, candidates: counts.size };
}

/** K-gram occurrences of a file whose fingerprint is a template's (or otherwise ignored). */
function countIgnored(entry: FileEntry, file: TokenizedFile): number {
  let ignored = 0;
  for (const shared of entry.ignored) ignored += shared.occurrencesOf(file).length;
  return ignored;
}
