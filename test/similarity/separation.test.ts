// Every copy (each attack, whole or partial) must rank above every pair of
// independently written solutions — and that must depend on the stages meant
// to make it so: without normalisation the obfuscated copies sink among the
// independent pairs; without template subtraction a handed-out file makes
// independent solutions look copied.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SubmissionCode } from '../../grader/similarity/source.ts';
import { extraTemplates } from '../../grader/similarity/template.ts';
import { FIXTURES, labels, readClass, score, skeletonClass, statement } from './corpus.ts';
import type { Scores } from './corpus.ts';

let codes: SubmissionCode[];
let templates: SubmissionCode[];
let full: Scores;

beforeAll(async () => {
  codes = await readClass();
  templates = await statement();
  full = score(codes, templates);
});

const max = (values: number[]): number => Math.max(...values);

/** The weakest copy and the strongest independent pair on one measure. */
function margin(scores: Scores, measure: 'similarity' | 'longest' | 'suspicion', attacks?: string[]): { weakest: number; independent: number } {
  const copies = labels.copies.filter((c) => attacks === undefined || attacks.includes(c.attack));
  return {
    weakest: Math.min(...copies.map((c) => scores.pair(c.copy, c.source)[measure])),
    independent: max(scores.independent.map((p) => p[measure])),
  };
}

describe('the fixtures', () => {
  test('hold independently written solutions, and copies made by every attack, whole and partial', () => {
    expect(labels.independent.length).toBeGreaterThanOrEqual(8);
    const attacks = new Set(labels.copies.map((c) => c.attack));
    for (const attack of ['rename', 'reorder', 'insert', 'refactor', 'rewrite', 'combined', 'partial']) expect(attacks).toContain(attack);
    // Independent: no pair shares more than a sliver, even before ranking.
    expect(max(full.independent.map((p) => p.similarity))).toBeLessThan(0.1);
  });
});

describe('with every stage on', () => {
  for (const attack of ['rename', 'reorder', 'insert', 'refactor', 'rewrite', 'combined', 'partial']) {
    test(`every ${attack} copy ranks above every pair of independent solutions, on similarity and on longest fragment`, () => {
      for (const measure of ['similarity', 'longest', 'suspicion'] as const) {
        const { weakest, independent } = margin(full, measure, [attack]);
        expect(weakest, `${attack}: ${measure}`).toBeGreaterThan(independent);
      }
    });
  }

  test('the ranking puts every labelled copy before the first independent pair', () => {
    const rank = (a: string, b: string): number => full.report.pairs.findIndex((p) => (p.a === a && p.b === b) || (p.a === b && p.b === a));
    const lastCopy = max(labels.copies.map((c) => rank(c.copy, c.source)));
    const firstIndependent = Math.min(...full.independent.map((p) => rank(p.a, p.b)).filter((i) => i >= 0));
    expect(lastCopy).toBeGreaterThanOrEqual(0);
    expect(lastCopy).toBeLessThan(firstIndependent);
  });

  test('the order is the same on every run', () => {
    const again = score(codes, templates);
    expect(again.report.pairs.map((p) => `${p.a}|${p.b}|${p.suspicion}`)).toEqual(full.report.pairs.map((p) => `${p.a}|${p.b}|${p.suspicion}`));
  });
});

describe('without normalisation (plain syntax tokens, as a parser front end gives them)', () => {
  test('the copies made by the combined attack are no longer found: they fall below the threshold, where every copy stands with normalisation', () => {
    const raw = score(codes, templates, { normalise: false });
    const combined = labels.copies.filter((c) => c.attack === 'combined');
    for (const c of combined) expect(raw.pair(c.copy, c.source).suspicion, c.copy).toBeLessThan(raw.report.threshold);
    for (const c of labels.copies) expect(full.pair(c.copy, c.source).suspicion, c.copy).toBeGreaterThanOrEqual(full.report.threshold);
    // And they sink to the order of magnitude of unrelated pairs.
    expect(margin(raw, 'similarity', ['combined']).weakest).toBeLessThan(3 * margin(raw, 'similarity').independent);
  });
});

describe('without merging neighbouring fragments', () => {
  test('the longest fragment of the refactored and combined copies shrinks', () => {
    const unmerged = score(codes, templates, { merge: false });
    for (const c of labels.copies.filter((x) => x.attack === 'combined' || x.attack === 'insert')) {
      expect(unmerged.pair(c.copy, c.source).longest).toBeLessThanOrEqual(full.pair(c.copy, c.source).longest);
    }
    const shrunk = labels.copies.filter((c) => unmerged.pair(c.copy, c.source).longest < full.pair(c.copy, c.source).longest);
    expect(shrunk.length).toBeGreaterThan(0);
  });
});

describe('a class that was handed a file to use (conditional-get.ts)', () => {
  let dir: string;
  let skeleton: SubmissionCode[];
  let handedOut: SubmissionCode[];
  beforeAll(async () => {
    dir = skeletonClass();
    skeleton = await readClass(dir);
    handedOut = await extraTemplates([`${FIXTURES}/skeleton/conditional-get.ts`]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('with the file given as --template, every copy still ranks above every independent pair', () => {
    const scores = score(skeleton, [...templates, ...handedOut]);
    for (const measure of ['similarity', 'longest', 'suspicion'] as const) {
      const { weakest, independent } = margin(scores, measure);
      expect(weakest, measure).toBeGreaterThan(independent);
    }
  });

  test('without template subtraction, independent solutions share the handed-out code: partial copies sink among them, and every independent pair crosses the threshold', () => {
    const scores = score(skeleton, []);
    const { weakest, independent } = margin(scores, 'longest', ['partial']);
    expect(weakest).toBeLessThan(independent);
    expect(Math.min(...scores.independent.map((p) => p.suspicion))).toBeGreaterThanOrEqual(scores.report.threshold);
    const subtracted = score(skeleton, [...templates, ...handedOut]);
    expect(Math.max(...subtracted.independent.map((p) => p.suspicion))).toBeLessThan(subtracted.report.threshold);
  });
});
