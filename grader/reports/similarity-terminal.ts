/**
 * The Similarity section of the terminal reports: the most suspicious pairs
 * with both scores, the clusters, and the submissions that could not be
 * read. Names are student data: made safe and truncated.
 */
import type { SimilarityReport } from '../similarity/types.ts';
import type { Style } from './terminal-style.ts';
import { oneLine, pad, padStart, truncate } from './terminal-style.ts';

/** Pairs listed at most; the page and the CSV have them all. */
const SHOWN = 10;

const percent = (share: number): string => `${Math.round(share * 100)} %`;

export function similarityLines(report: SimilarityReport, style: Style, cols: number): string[] {
  const above = report.pairs.filter((p) => p.suspicion >= report.threshold || (p.behaviour?.score ?? 0) >= 0.5);
  const lines = [style.bold('Similarity') + style.dim(` (evidence for a conversation, not a verdict; threshold ${percent(report.threshold)})`)];
  if (above.length === 0) lines.push(`  no pair above the threshold (${report.pairsSharing} of ${report.pairsCompared} pairs share any code)`);
  const nameCells = Math.max(8, Math.min(28, Math.floor((cols - 40) / 2)));
  if (above.length > 0) {
    lines.push(style.dim(`  ${pad('a', nameCells)} ${pad('b', nameCells)} ${padStart('similar', 7)} ${padStart('longest', 7)} behaviour`));
  }
  for (const p of above.slice(0, SHOWN)) {
    const cells = [
      pad(truncate(oneLine(p.a), nameCells), nameCells),
      pad(truncate(oneLine(p.b), nameCells), nameCells),
      padStart(percent(p.similarity), 7),
      padStart(String(p.longest), 7),
      p.behaviour === undefined ? '' : `${p.behaviour.tests.length} same wrong answer${p.behaviour.tests.length === 1 ? '' : 's'}`,
    ];
    const line = `  ${cells.join(' ')}`.trimEnd();
    lines.push(p.suspicion >= 0.5 ? style.red(line) : style.yellow(line));
  }
  if (above.length > SHOWN) lines.push(style.dim(`  … and ${above.length - SHOWN} more pairs above the threshold`));
  for (const cluster of report.clusters.filter((c) => c.length > 2)) {
    lines.push(`  cluster of ${cluster.length}: ${truncate(cluster.map(oneLine).join(', '), cols - 20)}`);
  }
  const unread = report.submissions.filter((s) => s.status !== 'ok');
  for (const s of unread) {
    lines.push(style.yellow(`  ! ${truncate(oneLine(`${s.name}: ${s.status === 'empty' ? 'no .ts file, not compared' : `syntax errors, compared as far as parsed: ${s.errors[0] ?? ''}`}`), cols - 4)}`));
  }
  return [...lines, ''];
}
