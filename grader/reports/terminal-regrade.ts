/**
 * The regrade section of the terminal report (--baseline): the submissions
 * whose score changed since the baseline, by how much, and the tests that
 * flipped; tests added or removed since are named once, for the class.
 */
import type { RegradeDiff } from './regrade.ts';
import { baselineWhen, flipText, signed } from './regrade.ts';
import { points } from './shared.ts';
import { makeStyle, oneLine, pad, truncate, width as cells } from './terminal-style.ts';

/** Flips listed per submission before "… and N more". */
const FLIPS_SHOWN = 8;

export function renderRegrade(diff: RegradeDiff, options: { color: boolean; width?: number }): string {
  const style = makeStyle(options.color);
  const width = Math.max(60, options.width ?? 80);
  const total = diff.changed.length + diff.unchanged;
  const lines = [style.bold(`Regrade against the run of ${baselineWhen(diff)}: ${diff.changed.length} of ${total} submission${total === 1 ? '' : 's'} changed score`)];
  const named = (list: Array<{ id: string; title: string }>): string => list.map((t) => `${t.id} (${t.title})`).join(', ');
  if (diff.added.length > 0) lines.push(`  tests added since: ${oneLine(named(diff.added))}`);
  if (diff.removed.length > 0) lines.push(`  tests removed since: ${oneLine(named(diff.removed))}`);
  if (diff.newSubmissions.length > 0) lines.push(`  new submissions (not in the baseline): ${oneLine(diff.newSubmissions.join(', '))}`);
  if (diff.goneSubmissions.length > 0) lines.push(`  gone since the baseline: ${oneLine(diff.goneSubmissions.join(', '))}`);
  const nameCells = Math.min(32, Math.max(8, ...diff.changed.map((c) => cells(oneLine(c.name)))));
  for (const change of diff.changed) {
    const paint = change.delta > 0 ? style.green : style.red;
    const score = `${points(change.before)}/${points(change.maxBefore)} → ${points(change.after)}/${points(change.maxAfter)}`;
    lines.push(`  ${pad(truncate(oneLine(change.name), nameCells), nameCells)}  ${score}  ${paint(signed(change.delta))}`);
    if (change.commit) lines.push(`    ${style.dim(`commit ${change.commit.before?.slice(0, 12) ?? 'none'} → ${change.commit.after?.slice(0, 12) ?? 'none'}`)}`);
    for (const flip of change.flips.slice(0, FLIPS_SHOWN)) {
      const mark = flip.delta > 0 ? style.green('✓') : flip.delta < 0 ? style.red('✗') : '·';
      lines.push(`    ${mark} ${truncate(`${flip.id}: ${flipText(flip)} (${signed(flip.delta)})`, width - 6)}`);
    }
    const more = change.flips.length - FLIPS_SHOWN;
    if (more > 0) lines.push(`    … and ${more} more test${more === 1 ? '' : 's'}`);
  }
  return [...lines, ''].join('\n');
}
