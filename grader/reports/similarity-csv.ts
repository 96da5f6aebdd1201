/**
 * --csv of `npm run similarity`: one row per pair that shares code (or
 * behaviour), most suspicious first, RFC 4180 as the class CSV is.
 */
import type { SimilarityReport } from '../similarity/types.ts';
import { csvRow, guardFormula } from './csv.ts';

const HEADER = ['a', 'b', 'similarity', 'longest', 'suspicion', 'behaviour', 'behaviour_tests'];

export function renderSimilarityCsv(report: SimilarityReport): string {
  const rows = report.pairs.map((p) => csvRow([
    guardFormula(p.a),
    guardFormula(p.b),
    p.similarity.toFixed(3),
    String(p.longest),
    p.suspicion.toFixed(3),
    p.behaviour === undefined ? '' : p.behaviour.score.toFixed(3),
    p.behaviour === undefined ? '' : guardFormula(p.behaviour.tests.map((t) => t.id).join(' ')),
  ]));
  return `${[csvRow(HEADER), ...rows].join('\r\n')}\r\n`;
}
