/**
 * The similarity report, as every front end reads it (terminal, CSV, JSON,
 * the HTML page). Plain data: JSON-serialisable.
 */

/** Lines of one file of a submission, 1-based and inclusive. */
export interface LineRange {
  file: string;
  from: number;
  to: number;
}

export interface Fragment {
  /** Normalised tokens in the fragment (the shorter side's count). */
  tokens: number;
  a: LineRange[];
  b: LineRange[];
}

/** Two submissions that fail the same unusual tests with the same wrong answers. */
export interface BehaviourEvidence {
  /** 0..1: how much rarer than chance the shared wrong answers are (see behaviour.ts). */
  score: number;
  /** The tests both failed alike, each with the answer they share. */
  tests: Array<{ id: string; answer: string; failedBy: number }>;
}

export interface PairReport {
  a: string;
  b: string;
  /** 0..1: share of both submissions' fingerprints found in the other. */
  similarity: number;
  /** Tokens in the longest shared fragment. */
  longest: number;
  /** What pairs are ranked by, 0..1 (see rank.ts). */
  suspicion: number;
  fragments: Fragment[];
  behaviour?: BehaviourEvidence;
}

export interface SubmissionReport {
  name: string;
  /** ok; syntax-errors (compared as far as the parser could read it); empty (no .ts file: not compared). */
  status: 'ok' | 'syntax-errors' | 'empty';
  errors: string[];
  /** Normalised tokens fingerprinted. */
  tokens: number;
  files: Array<{ path: string; text: string }>;
}

export interface SimilarityReport {
  tool: 'todo-wsgi-similarity';
  version: 1;
  options: { kgram: number; window: number; mergeGap: number; normalise: boolean; templates: string[] };
  submissions: SubmissionReport[];
  /** Ranked by suspicion, most suspicious first; ties by names. */
  pairs: PairReport[];
  /** The suggested threshold on suspicion (the page lets the instructor move it). */
  threshold: number;
  /** Groups of submissions joined by pairs at or above the threshold, largest first. */
  clusters: string[][];
  /** Pairs that shared any fingerprint, and pairs there were. */
  pairsCompared: number;
  pairsSharing: number;
  durationMs: number;
}
