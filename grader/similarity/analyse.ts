/**
 * Submissions' code in, similarity report out: parse (tokenize.ts), turn
 * into token streams (tokens.ts), fingerprint and pair (fingerprint.ts),
 * then rank (rank.ts) and map shared fragments back to source lines.
 */
import { comparePairs } from './fingerprint.ts';
import type { Match, Stream } from './fingerprint.ts';
import { clustersOf, DEFAULT_THRESHOLD, rankPairs } from './rank.ts';
import type { SubmissionCode } from './source.ts';
import { normalisedTokens, rawTokens } from './tokens.ts';
import type { Token } from './tokens.ts';
import { parseSubmission } from './tokenize.ts';
import type { Unit } from './tokenize.ts';
import { LineIndex } from './lines.ts';
import type { Fragment, LineRange, PairReport, SimilarityReport, SubmissionReport } from './types.ts';

export interface AnalyseOptions {
  /** Normalise the token stream against renaming, reordering, insertion and refactoring (default true). */
  normalise?: boolean;
  /** Merge neighbouring fragments split by inserted code (default true). */
  merge?: boolean;
  kgram?: number;
  window?: number;
  /** Called as the work advances: reading the code, then scoring pairs. */
  progress?: (stage: 'tokens' | 'pairs', done: number, total: number) => void;
}

export const DEFAULT_KGRAM = 23;
export const DEFAULT_WINDOW = 17;
/** Shared fragments shown per pair. */
const FRAGMENTS_SHOWN = 12;
/** Pairs, most suspicious first, whose fragments are mapped to source lines. */
const PAIRS_WITH_FRAGMENTS = 1000;

function streamOf(unit: Unit, normalise: boolean, template = false): Token[] {
  return normalise ? normalisedTokens(unit, template) : rawTokens(unit);
}

/** A submission's files as fragments are mapped back to them (its syntax trees are not kept). */
interface Sources {
  paths: string[];
  lines: LineIndex[];
}

/** The source lines a run of tokens came from: each token's first line, runs within 2 lines joined. */
function linesOf(unit: Sources, tokens: readonly Token[], [start, end]: [number, number]): LineRange[] {
  const byFile = new Map<number, number[]>();
  for (let i = start; i <= end && i < tokens.length; i++) {
    const token = tokens[i]!;
    const index = unit.lines[token.file];
    if (index === undefined) continue;
    const line = index.lineOf(token.pos);
    const lines = byFile.get(token.file) ?? [];
    lines.push(line);
    byFile.set(token.file, lines);
  }
  const out: LineRange[] = [];
  for (const [file, lines] of [...byFile.entries()].sort((x, y) => x[0] - y[0])) {
    const sorted = [...new Set(lines)].sort((x, y) => x - y);
    let range: LineRange | undefined;
    for (const line of sorted) {
      if (range !== undefined && line - range.to <= 2) range.to = line;
      else {
        range = { file: unit.paths[file]!, from: line, to: line };
        out.push(range);
      }
    }
  }
  return out;
}

export function analyse(codes: readonly SubmissionCode[], templates: readonly SubmissionCode[], options: AnalyseOptions = {}): SimilarityReport {
  const started = performance.now();
  const normalise = options.normalise ?? true;
  const kgram = options.kgram ?? DEFAULT_KGRAM;
  const window = options.window ?? DEFAULT_WINDOW;
  const mergeGap = options.merge === false ? 0 : kgram;
  const units: Sources[] = [];
  const tokenLists: Token[][] = [];
  const submissions: SubmissionReport[] = [];
  codes.forEach((code, i) => {
    const unit = parseSubmission(code);
    const tokens = code.files.length === 0 ? [] : streamOf(unit, normalise);
    units.push({ paths: unit.files.map((f) => f.path), lines: unit.files.map((f) => new LineIndex(f.text)) });
    tokenLists.push(tokens);
    submissions.push({
      name: code.name,
      status: code.files.length === 0 ? 'empty' : unit.errors.length > 0 ? 'syntax-errors' : 'ok',
      errors: code.files.length === 0 ? ['no .ts file to compare'] : unit.errors,
      tokens: tokens.length,
      files: unit.files.map((f) => ({ path: f.path, text: f.text })),
    });
    options.progress?.('tokens', i + 1, codes.length);
  });
  const templateStreams: Stream[] = templates.map((t) => ({ name: t.name, tokens: streamOf(parseSubmission(t), normalise, true).map((x) => x.text) }));
  // Empty submissions are listed, not compared.
  const compared = codes.map((_, i) => i).filter((i) => submissions[i]!.status !== 'empty');
  const streams: Stream[] = compared.map((i) => ({ name: codes[i]!.name, tokens: tokenLists[i]!.map((t) => t.text) }));
  const core = comparePairs(streams, templateStreams, { kgram, window, mergeGap, minShared: 2, keepFragments: FRAGMENTS_SHOWN }, (done, total) => options.progress?.('pairs', done, total));

  const fragment = (ia: number, ib: number, match: Match): Fragment => ({
    tokens: Math.min(match.a[1] - match.a[0], match.b[1] - match.b[0]) + 1,
    a: linesOf(units[ia]!, tokenLists[ia]!, match.a),
    b: linesOf(units[ib]!, tokenLists[ib]!, match.b),
  });
  const matchesOf = new Map<PairReport, { ia: number; ib: number; matches: Match[] }>();
  const pairs: PairReport[] = core.pairs.map((p) => {
    const ia = compared[p.a]!;
    const ib = compared[p.b]!;
    const pair: PairReport = { a: codes[ia]!.name, b: codes[ib]!.name, similarity: p.similarity, longest: p.longest, suspicion: 0, fragments: [] };
    matchesOf.set(pair, { ia, ib, matches: p.fragments });
    return pair;
  });
  const ranked = rankPairs(pairs, submissions);
  // Source lines only for the pairs anyone will open.
  for (const pair of ranked.slice(0, PAIRS_WITH_FRAGMENTS)) {
    const { ia, ib, matches } = matchesOf.get(pair)!;
    pair.fragments = matches.slice(0, FRAGMENTS_SHOWN).map((m) => fragment(ia, ib, m));
  }
  const threshold = DEFAULT_THRESHOLD;
  const n = compared.length;
  return {
    tool: 'todo-wsgi-similarity',
    version: 1,
    options: { kgram, window, mergeGap, normalise, templates: templates.map((t) => t.name) },
    submissions,
    pairs: ranked,
    threshold,
    clusters: clustersOf(ranked, threshold),
    pairsCompared: (n * (n - 1)) / 2,
    pairsSharing: core.candidates,
    durationMs: Math.round(performance.now() - started),
  };
}

