/** The class page's markup and view model, without a browser. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jsonForScript, escapeHtml } from '../../grader/reports/html/embed.ts';
import { binShares, histogramSvg } from '../../grader/reports/html/histogram.ts';
import { renderHtml } from '../../grader/reports/html/index.ts';
import { OUTPUT_LIMIT, buildModel, classStats } from '../../grader/reports/html/model.ts';
import { HOSTILE, hostile } from './html/runs.ts';
import { SAMPLE_SPECS, crashed, fullMarks, loadError, portability, sampleRun, starterLike, testResult } from './sample-run.ts';

describe('jsonForScript', () => {
  it('escapes what could end a script block and round-trips', () => {
    const value = { body: HOSTILE, seps: '\u2028\u2029', amp: 'a&b', gt: '-->' };
    const json = jsonForScript(value);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual(value);
  });

  it('escapes markup for the server-rendered parts', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

describe('renderHtml', () => {
  const run = sampleRun([...sampleRun().submissions, hostile()]);
  const html = renderHtml(run);

  // Markup outside the JSON data blocks: what the browser parses as HTML.
  const markup = html.replace(/<script type="application\/json"[^>]*>[^<]*<\/script>/g, '');
  // Boolean checks: a failing toContain would print the whole page.
  const has = (pattern: RegExp | string): boolean => (typeof pattern === 'string' ? html.includes(pattern) : pattern.test(html));

  it('is one self-contained document', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(/<(link|img|iframe|object|embed)\b/i.test(markup)).toBe(false);
    expect(/\b(src|srcset|action)=/i.test(markup)).toBe(false);
    // Namespace URIs (SVG) are names, not fetches.
    expect(/https?:\/\/(?!www\.w3\.org\/)/.test(markup)).toBe(false);
    expect(renderHtml(run) === html).toBe(true);
  });

  it('keeps hostile strings inside their JSON blocks', () => {
    expect(has('</script><img')).toBe(false);
    expect(has('<img src=x')).toBe(false);
    expect(has('\u2028')).toBe(false);
    expect(has('\\u003cimg src=x onerror=alert(1)\\u003e')).toBe(true);
    // One executable script, then the model and one detail block per submission.
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html.match(/<script type="application\/json"/g)).toHaveLength(run.submissions.length + 1);
    expect(html.match(/<\/script>/g)).toHaveLength(run.submissions.length + 2);
  });

  it('allows only its own script by hash and no network at all', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    expect(csp).toContain("default-src 'none'");
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const hash = createHash('sha256').update(script, 'utf8').digest('base64');
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  });

  it('renders an empty class', () => {
    const empty = renderHtml(sampleRun([]));
    expect(empty.includes('<rect class="bar"')).toBe(false);
    expect(/Submissions<\/dt><dd><span class="big">0<\/span>/.test(empty)).toBe(true);
  });

  it('summarises the run in the header', () => {
    expect(has('2025-03-14 09:26 UTC')).toBe(true);
    expect(has('v22.12.0')).toBe(true);
    expect(has('core, Level 2 (REST extras), Level 3 (hypermedia &amp; caching)')).toBe(true);
    expect(has(/Submissions<\/dt><dd><span class="big">7<\/span>/)).toBe(true);
    expect(has(/Mean score<\/dt><dd><span class="big">[\d.]+ \/ 14 /)).toBe(true);
    expect(has(/Median score<\/dt><dd><span class="big">[\d.]+ \/ 14 /)).toBe(true);
  });
});

describe('view model', () => {
  it('encodes one state per test and server, absent where nothing ran', () => {
    const { model, details } = buildModel(sampleRun([fullMarks('a'), starterLike('b'), loadError('c')]));
    expect(model.servers).toEqual(['simple', 'socket']);
    expect(model.tests.map((t) => t.id)).toEqual(SAMPLE_SPECS.map((s) => s.id));
    expect(model.rows.map((r) => r.cells)).toEqual(['p'.repeat(20), 'f'.repeat(20), '-'.repeat(20)]);
    expect(details[2]!.tests.every((t) => t === null)).toBe(true);
    expect(model.tests.filter((t) => t.hidden).map((t) => t.id)).toEqual(['3.links.hateoas', '3.cache.etag-304']);
  });

  it('counts tests passing on one server only', () => {
    const { model } = buildModel(sampleRun([portability('p')]));
    expect(model.rows[0]!.portability).toEqual(['core.body.empty-content-length', '2.method.405-allow']);
    // Without a recorded Portability, a pass/fail split still counts.
    const spec = SAMPLE_SPECS[0]!;
    const split = testResult(spec, { simple: { kind: 'pass' }, socket: { kind: 'status', status: 500 } });
    const { model: m2 } = buildModel(sampleRun([{ ...fullMarks('q'), tests: [split] }]));
    expect(m2.rows[0]!.portability).toEqual([spec.id]);
    expect(m2.rows[0]!.cells).toBe('pf');
  });

  it('unions tests across submissions, grouped by tier', () => {
    const late = { ...fullMarks('late'), tests: [testResult(SAMPLE_SPECS[8]!, { kind: 'pass' }), testResult(SAMPLE_SPECS[0]!, { kind: 'pass' })] };
    const early = { ...fullMarks('early'), tests: [testResult(SAMPLE_SPECS[6]!, { kind: 'pass' })] };
    const { model } = buildModel(sampleRun([late, early]));
    expect(model.tests.map((t) => t.tier)).toEqual(['core', '2', '3']);
    expect(model.rows[1]!.cells).toBe('--pp--');
  });

  it('caps printed output on the page', () => {
    const { details } = buildModel(sampleRun([crashed('c')]));
    expect(details[0]!.output.stdout).toHaveLength(OUTPUT_LIMIT);
    expect(details[0]!.output.truncated).toBe(true);
  });

  it('computes mean and median over every submission', () => {
    const stats = classStats(sampleRun([fullMarks('a'), starterLike('b'), loadError('c'), portability('d')]));
    expect(stats.count).toBe(4);
    expect(stats.commonMax).toBe(14);
    expect(stats.meanScore).toBeCloseTo((14 + 0 + 0 + 10.5) / 4);
    expect(stats.medianScore).toBeCloseTo(5.25);
    expect(stats.meanShare).toBeCloseTo(24.5 / 56);
  });
});

describe('histogram', () => {
  it('bins shares in 10 % bands, a full score in the last', () => {
    expect(binShares([0, 0.05, 0.1, 0.55, 0.999, 1])).toEqual([2, 1, 0, 0, 0, 1, 0, 0, 0, 2]);
  });

  it('draws labelled axes and one bar per non-empty band', () => {
    const svg = histogramSvg([0, 0.5, 0.5, 1]);
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(3);
    expect(svg).toContain('Score (% of maximum)');
    expect(svg).toContain('>Submissions<');
    expect(svg).toContain('role="img"');
  });
});
