/**
 * The regrade section of the class page (--baseline): rendered on the server
 * from numbers, test ids and submission names, every string escaped.
 */
import type { RegradeDiff } from '../regrade.ts';
import { baselineWhen, flipText, signed } from '../regrade.ts';
import { points } from '../shared.ts';
import { escapeHtml } from './embed.ts';

const STYLE = `<style>
#regrade { margin: 1rem 0; }
#regrade h2 { font-size: 1.15rem; }
#regrade table { border-collapse: collapse; }
#regrade th, #regrade td { text-align: left; padding: .2rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
#regrade .up { color: #116329; } #regrade .down { color: #a40e26; }
#regrade ul { margin: 0; padding-left: 1.1rem; }
</style>`;

function testList(label: string, tests: Array<{ id: string; title: string }>): string {
  if (tests.length === 0) return '';
  const items = tests.map((t) => `<li><code>${escapeHtml(t.id)}</code> ${escapeHtml(t.title)}</li>`).join('');
  return `<p>${label}:</p><ul class="tests-${label === 'Tests added since' ? 'added' : 'removed'}">${items}</ul>`;
}

export function renderRegradeSection(diff: RegradeDiff): string {
  const total = diff.changed.length + diff.unchanged;
  const rows = diff.changed.map((c) => {
    const flips = c.flips.map((f) => `<li><code>${escapeHtml(f.id)}</code>: ${escapeHtml(flipText(f))} (${escapeHtml(signed(f.delta))})</li>`).join('');
    const commit = c.commit ? `<br><small>commit ${escapeHtml(c.commit.before?.slice(0, 12) ?? 'none')} → ${escapeHtml(c.commit.after?.slice(0, 12) ?? 'none')}</small>` : '';
    return `<tr data-name="${escapeHtml(c.name)}"><td>${escapeHtml(c.name)}${commit}</td>` +
      `<td>${points(c.before)} / ${points(c.maxBefore)} → ${points(c.after)} / ${points(c.maxAfter)}</td>` +
      `<td class="${c.delta > 0 ? 'up' : 'down'}">${escapeHtml(signed(c.delta))}</td><td><ul>${flips}</ul></td></tr>`;
  }).join('');
  const table = diff.changed.length === 0
    ? '<p>No score changed.</p>'
    : `<table><thead><tr><th>Submission</th><th>Score then → now</th><th>Change</th><th>Tests that flipped</th></tr></thead><tbody>${rows}</tbody></table>`;
  const others = [
    diff.newSubmissions.length > 0 ? `<p>New since the baseline: ${escapeHtml(diff.newSubmissions.join(', '))}</p>` : '',
    diff.goneSubmissions.length > 0 ? `<p>Gone since the baseline: ${escapeHtml(diff.goneSubmissions.join(', '))}</p>` : '',
  ].join('');
  return `<section id="regrade" aria-labelledby="regrade-title">${STYLE}` +
    `<h2 id="regrade-title">Regrade: ${diff.changed.length} of ${total} submissions changed score since the run of ${escapeHtml(baselineWhen(diff))}</h2>` +
    `${testList('Tests added since', diff.added)}${testList('Tests removed since', diff.removed)}${others}${table}</section>`;
}
