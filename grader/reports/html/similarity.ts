/**
 * The similarity view: a section of the class page (`grade --similarity
 * --html`) and a page of its own (`similarity --html`). The report is
 * embedded as JSON and rendered by assets/similarity.js with textContent
 * only (the code shown is the students'). Each script is allowed by its hash.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SimilarityReport } from '../../similarity/types.ts';
import { escapeHtml, jsonForScript, pageStart } from './embed.ts';

let assets: { css: string; js: string; pageCss: string } | undefined;
function loadAssets(): { css: string; js: string; pageCss: string } {
  const read = (name: string): string => readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');
  assets ??= { css: read('similarity.css'), js: read('similarity.js'), pageCss: read('page.css') };
  return assets;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

/** Pairs embedded in a page, most suspicious first: enough to move the threshold far down; the CSV has them all. */
const PAGE_PAIRS = 5000;

/** The section's markup and its data; the script and styles come from similarityAssets(). */
export function similaritySection(report: SimilarityReport): string {
  const shown = report.pairs.length > PAGE_PAIRS ? { ...report, pairs: report.pairs.slice(0, PAGE_PAIRS) } : report;
  return `<section class="similarity" id="similarity" aria-labelledby="similarity-title">
<h2 id="similarity-title">Similarity</h2>
<p class="note">Pairs of submissions ranked by how much code they share once names, order, dead code and equivalent forms are set aside, and the statement's own code is subtracted. <strong>Similarity</strong> is the share of both submissions' fingerprints found in the other; <strong>longest</strong> is the longest shared fragment, in normalised tokens. They are evidence for a conversation with the students, not a verdict.</p>
<noscript><p>The similarity view needs JavaScript; the CSV and JSON reports hold the same pairs.</p></noscript>
<div id="similarity-root"></div>
${shown === report ? '' : `<p class="note">The ${PAGE_PAIRS} most suspicious of ${report.pairs.length} pairs are shown; the CSV and JSON reports have them all.</p>\n`}<script type="application/json" id="similarity-data">${jsonForScript(shown)}</script>
</section>`;
}

export function similarityAssets(): { css: string; js: string; hash: string } {
  const { css, js } = loadAssets();
  return { css, js, hash: sha256(js) };
}

/** `npm run similarity -- --html FILE`: the view as a page of its own. */
export function renderSimilarityPage(report: SimilarityReport): string {
  const { css, js, pageCss } = loadAssets();
  const csp = ["default-src 'none'", `script-src 'sha256-${sha256(js)}'`, "style-src 'unsafe-inline'", "base-uri 'none'", "form-action 'none'"].join('; ');
  const n = report.submissions.length;
  return `${pageStart(csp, `todo-wsgi similarity — ${escapeHtml(String(n))} submissions`)}
<style>${pageCss}</style>
<style>${css}</style>
</head>
<body>
<h1>todo-wsgi — code similarity</h1>
${similaritySection(report)}
<script>${js}</script>
</body>
</html>
`;
}
