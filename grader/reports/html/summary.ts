/**
 * The server-rendered parts of the page: title, summary header and legend.
 * They hold only run metadata and numbers, escaped anyway; submission names
 * and transcripts are left to the page script (textContent).
 */
import type { GradeRun, SubmissionStatus } from '../../results/types.ts';
import { escapeHtml } from './embed.ts';
import { histogramSvg } from './histogram.ts';
import { classStats } from './model.ts';
import type { PageModel } from './model.ts';

/** The statement's names (starter/README.md): core, then Level 2 to Level 4. */
const TIER_NAMES: Record<string, string> = {
  core: 'core',
  '2': 'Level 2 (REST extras)',
  '3': 'Level 3 (hypermedia & caching)',
  '4': 'Level 4 (state across processes)',
};

const STATUS_ORDER: SubmissionStatus[] = ['graded', 'load-error', 'timeout', 'crashed', 'unreachable', 'grader-error'];

/** "2025-03-14 09:26 UTC"; a date the browser cannot parse is shown as given. */
export function formatRunDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function formatPoints(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

function percent(share: number): string {
  return `${Math.round(share * 100)} %`;
}

export function pageTitle(run: GradeRun): string {
  const n = run.submissions.length;
  const who = n === 1 ? escapeHtml(run.submissions[0]!.name) : `${n} submissions`;
  return `todo-wsgi results — ${who} — ${escapeHtml(formatRunDate(run.startedAt))}`;
}

function scoreText(share: number, points: number, commonMax: number | undefined): string {
  return commonMax === undefined
    ? percent(share)
    : `${formatPoints(points)} / ${formatPoints(commonMax)} <span class="muted">(${percent(share)})</span>`;
}

export function renderSummary(run: GradeRun, model: PageModel): string {
  const stats = classStats(run);
  const byStatus = STATUS_ORDER.map((status) => ({
    status,
    count: run.submissions.filter((s) => s.status === status).length,
  }))
    .filter((s) => s.count > 0)
    .map((s) => `${s.count} ${s.status.replace('-', ' ')}`)
    .join(', ');
  const hidden = model.tests.filter((t) => t.hidden).length;
  const tiers = model.tiers.map((t) => TIER_NAMES[t] ?? t).join(', ');
  const facts: Array<[string, string]> = [
    ['Run', `<time datetime="${escapeHtml(run.startedAt)}">${escapeHtml(formatRunDate(run.startedAt))}</time>`],
    ['Node', escapeHtml(run.node)],
    ['Tiers', escapeHtml(tiers)],
    ['Servers', escapeHtml(model.servers.join(', '))],
    ['Submissions', `<span class="big">${run.submissions.length}</span>${byStatus ? ` <span class="muted">(${escapeHtml(byStatus)})</span>` : ''}`],
    ['Mean score', `<span class="big">${scoreText(stats.meanShare, stats.meanScore, stats.commonMax)}</span>`],
    ['Median score', `<span class="big">${scoreText(stats.medianShare, stats.medianScore, stats.commonMax)}</span>`],
    ['Tests', `${model.tests.length}${hidden > 0 ? ` (${hidden} hidden)` : ''}`],
    ['Seed', `${run.options.seed} <span class="muted">(${run.options.runs} runs per property)</span>`],
  ];
  const dl = facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('');
  return (
    `<h1>todo-wsgi — class results</h1>` +
    `<div class="summary-grid"><dl class="facts">${dl}</dl>` +
    `<figure>${histogramSvg(stats.shares)}<figcaption>Score distribution: submissions per 10 % band of the maximum.</figcaption></figure></div>`
  );
}

export function renderLegend(model: PageModel): string {
  const order = model.servers.join(' | ');
  const stacked = model.servers.join(' over ');
  return (
    `<ul class="legend" aria-label="Legend">` +
    `<li><span class="sub p" aria-hidden="true">✓</span> passed</li>` +
    `<li><span class="sub f" aria-hidden="true">✗</span> failed</li>` +
    `<li><span class="sub s" aria-hidden="true">–</span> skipped</li>` +
    `<li><span class="sub none" aria-hidden="true">·</span> not run</li>` +
    (model.servers.length > 1
      ? `<li><span class="screen-only">Each test cell: ${escapeHtml(order)} (left to right)</span><span class="print-only">Each test cell: ${escapeHtml(stacked)} (top to bottom)</span></li>`
      : `<li>Server: ${escapeHtml(order)}</li>`) +
    `<li><svg class="icon" aria-hidden="true"><use href="#i-hidden"/></svg> hidden test</li>` +
    `<li>⇄ passes on one server only</li>` +
    `<li>RMM: Richardson maturity level</li>` +
    `<li class="screen-only">Click a cell for its transcript; click a name for the submission.</li>` +
    `</ul>`
  );
}
