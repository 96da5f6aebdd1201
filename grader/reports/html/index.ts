/**
 * `--html FILE`: the class comparison page. One self-contained HTML file: inline
 * CSS and script, the results embedded as JSON and rendered in the browser
 * with textContent only (transcripts are untrusted). No network: a strict
 * Content-Security-Policy forbids every fetch, and the script is allowed by
 * its hash alone, so markup smuggled into the page could not run.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { GradeRun } from '../../results/types.ts';
import { jsonForScript, pageStart } from './embed.ts';
import { buildModel } from './model.ts';
import { renderSummary, renderLegend, pageTitle } from './summary.ts';
import type { RegradeDiff } from '../regrade.ts';
import { renderRegradeSection } from './regrade.ts';
import type { SimilarityReport } from '../../similarity/types.ts';
import { similarityAssets, similaritySection } from './similarity.ts';

// Read at render time (not import time) so the assets stay plain files that
// the type checker never sees; cached after the first render. The script
// parts share one function scope, in this order.
const SCRIPT_PARTS = ['common.js', 'matrix.js', 'panel.js'];
let assets: { css: string; js: string } | undefined;
function loadAssets(): { css: string; js: string } {
  const read = (name: string): string => readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');
  assets ??= {
    css: read('page.css'),
    js: `(function () {\n'use strict';\n${SCRIPT_PARTS.map(read).join('\n')}\n})();\n`,
  };
  return assets;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

/** An eye with a slash: marks hidden tests in headers and the legend. */
const SPRITE =
  '<svg class="sprite" aria-hidden="true" focusable="false"><symbol id="i-hidden" viewBox="0 0 24 24">' +
  '<path d="M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12z" fill="none" stroke="currentColor" stroke-width="2"/>' +
  '<circle cx="12" cy="12" r="3" fill="none" stroke="currentColor" stroke-width="2"/>' +
  '<line x1="3" y1="21" x2="21" y2="3" stroke="currentColor" stroke-width="2.4"/></symbol></svg>';

/**
 * Sections that need more than the run: the comparison with a baseline
 * (--baseline), and the code-similarity view below the matrix (--similarity).
 */
export interface HtmlExtras {
  regrade?: RegradeDiff;
  similarity?: SimilarityReport;
}

export function renderHtml(run: GradeRun, extras: HtmlExtras = {}): string {
  const { css, js } = loadAssets();
  const { model, details } = buildModel(run);
  const similarity = extras.similarity === undefined ? undefined : { ...similarityAssets(), section: similaritySection(extras.similarity) };
  const csp = [
    "default-src 'none'",
    `script-src 'sha256-${sha256(js)}'${similarity === undefined ? '' : ` 'sha256-${similarity.hash}'`}`,
    // Inline styles only; nothing can be fetched (no img/font/connect source).
    "style-src 'unsafe-inline'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  // Transcripts per submission, parsed by the page only when a panel opens.
  const detailBlocks = details
    .map((d, i) => `<script type="application/json" id="d-${i}">${jsonForScript(d)}</script>`)
    .join('\n');
  return `${pageStart(csp, pageTitle(run))}
<style>${css}</style>
<style id="col-filter"></style>${similarity === undefined ? '' : `
<style>${similarity.css}</style>`}
</head>
<body>
${SPRITE}
<header>
${renderSummary(run, model)}
</header>
<main>
${extras.regrade ? renderRegradeSection(extras.regrade) : ''}
<div class="toolbar">
<label for="filter">Filter</label>
<input id="filter" type="search" autocomplete="off" spellcheck="false" placeholder="Submission name or test id/title, e.g. alice or core.create" title="Each word filters the rows (submission names) or the columns (test ids and titles) it matches; several words on one side widen it." aria-describedby="shown">
<output id="shown" aria-live="polite"></output>
</div>
${renderLegend(model)}
<noscript><p>The matrix and transcripts need JavaScript; the summary above is complete without it.</p></noscript>
<div class="matrix-wrap"><div id="matrix" role="table" aria-label="Submissions by tests; each test cell has one sub-cell per server"></div></div>
${similarity?.section ?? ''}
</main>
<dialog id="detail" aria-labelledby="detail-title" aria-describedby="detail-subtitle">
<div class="panel">
<div class="panel-head"><div><h2 id="detail-title"></h2><p id="detail-subtitle"></p></div><button type="button" class="close" aria-label="Close (Escape)">✕ Close</button></div>
<div id="detail-body"></div>
</div>
</dialog>
<script type="application/json" id="model">${jsonForScript(model)}</script>
${detailBlocks}
<script>${js}</script>${similarity === undefined ? '' : `
<script>${similarity.js}</script>`}
</body>
</html>
`;
}
