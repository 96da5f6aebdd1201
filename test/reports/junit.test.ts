import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { escapeXmlAttr, renderJunit, stripIllegalXml } from '../../grader/reports/junit.ts';
import { outcomesOf } from '../../grader/reports/shared.ts';
import { loadErrorWithTests, sampleRun } from './sample-run.ts';

interface XmlCase {
  '@_name': string;
  '@_classname': string;
  '@_time': string;
  '@_file'?: string;
  failure?: { '@_message': string; '@_type': string; '#text'?: string };
  error?: { '@_message': string; '@_type': string; '#text'?: string };
  skipped?: unknown;
}
interface XmlSuite {
  '@_name': string;
  '@_tests': string;
  '@_failures': string;
  '@_errors': string;
  '@_skipped': string;
  '@_time': string;
  '@_timestamp': string;
  testcase: XmlCase[];
}
interface XmlDoc {
  testsuites: { '@_tests': string; '@_failures': string; '@_errors': string; testsuite: XmlSuite[] };
}

const parser = new XMLParser({
  ignoreAttributes: false,
  isArray: (name) => name === 'testsuite' || name === 'testcase' || name === 'property',
  // Keep text as written: names like "2" must stay strings.
  parseAttributeValue: false,
  parseTagValue: false,
  // Decode numeric references too (&#10; keeps a newline inside an attribute).
  htmlEntities: true,
});

describe('renderJunit', () => {
  const run = sampleRun();
  const xml = renderJunit(run);
  const doc = parser.parse(xml) as XmlDoc;
  const suites = doc.testsuites.testsuite;

  it('is well-formed XML', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  });

  it('has one testsuite per submission, named after it', () => {
    expect(suites.map((s) => s['@_name'])).toEqual(run.submissions.map((s) => s.name));
    for (const s of suites) expect(s['@_timestamp']).toBe(run.startedAt);
  });

  it('has one testcase per test per server (a load error is one error case)', () => {
    run.submissions.forEach((sub, i) => {
      const suite = suites[i];
      const expected = sub.status === 'load-error' ? 1 : sub.tests.reduce((n, t) => n + outcomesOf(t).length, 0);
      expect(suite?.testcase).toHaveLength(expected);
      expect(Number(suite?.['@_tests'])).toBe(expected);
    });
  });

  it('counts failures and errors as the cases show them, and the totals add up', () => {
    let tests = 0;
    let failures = 0;
    let errors = 0;
    for (const suite of suites) {
      const f = suite.testcase.filter((c) => c.failure !== undefined).length;
      const e = suite.testcase.filter((c) => c.error !== undefined).length;
      expect(Number(suite['@_failures'])).toBe(f);
      expect(Number(suite['@_errors'])).toBe(e);
      tests += suite.testcase.length;
      failures += f;
      errors += e;
    }
    expect(Number(doc.testsuites['@_tests'])).toBe(tests);
    expect(Number(doc.testsuites['@_failures'])).toBe(failures);
    expect(Number(doc.testsuites['@_errors'])).toBe(errors);
  });

  it('matches the sample: failing outcomes are failures or errors, passing ones neither', () => {
    run.submissions.forEach((sub, i) => {
      if (sub.status === 'load-error') return;
      const failed = sub.tests.flatMap(outcomesOf).filter((o) => o.status === 'failed').length;
      const suite = suites[i];
      expect(Number(suite?.['@_failures']) + Number(suite?.['@_errors'])).toBe(failed);
    });
  });

  it('names cases "<title> [server]", unique within each suite, classname <submission>.<tier>', () => {
    for (const [i, suite] of suites.entries()) {
      const names = suite.testcase.map((c) => c['@_name']);
      expect(new Set(names).size).toBe(names.length);
      const sub = run.submissions[i];
      if (!sub || sub.status === 'load-error') continue;
      expect(names[0]).toBe(`${sub.tests[0]?.title} [simple]`);
      expect(names[1]).toBe(`${sub.tests[0]?.title} [socket]`);
      for (const c of suite.testcase) expect(c['@_classname']).toMatch(new RegExp(`^.+\\.(core|2|3)$`, 's'));
    }
  });

  it('shows a load error as an error with the reason', () => {
    const bob = suites.find((s) => s['@_name'].startsWith('bob'));
    expect(bob?.testcase[0]?.error?.['@_type']).toBe('load-error');
    expect(bob?.testcase[0]?.error?.['@_message']).toContain("app.ts:12:5: Expected ';'");
  });

  it('shows tests a timeout or crash left without an answer as errors, wrong answers as failures', () => {
    const zoe = suites.find((s) => s['@_name'].startsWith('Zoë'));
    expect(zoe?.testcase.filter((c) => c.error?.['@_type'] === 'timeout').length).toBeGreaterThan(0);
    const evil = suites.find((s) => s['@_name'].includes('HYPERLINK'));
    expect(evil?.testcase.filter((c) => c.error?.['@_type'] === 'crashed').length).toBeGreaterThan(0);
    expect(evil?.testcase.filter((c) => c.failure !== undefined).length).toBeGreaterThan(0);
  });

  it('explains a failure in its text: expected, why, hint, the exchange and the replay', () => {
    const starter = suites.find((s) => s['@_name'] === 'starter');
    const text = starter?.testcase[0]?.failure?.['#text'] ?? '';
    expect(text).toContain('expected: status 200');
    expect(text).toContain('why: Status codes: 200 OK');
    expect(text).toContain('hint: Start with GET /todos');
    expect(text).toContain('501 Not Implemented');
    expect(text).toContain("curl -i -X GET 'http://127.0.0.1:8000/todos'");
  });

  it('keeps a contract violation as the failure type', () => {
    const carol = suites.find((s) => s['@_name'].startsWith('carol'));
    const c = carol?.testcase.find((x) => x.failure?.['@_type'] === 'start_response.header-not-string');
    expect(c?.['@_name']).toBe('PUT /todos answers 405 with an Allow header [simple]');
  });

  it('strips characters XML 1.0 forbids and keeps names with <&>"', () => {
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    expect(suites.map((s) => s['@_name'])).toContain('Zoë <&> Ünïcode ✓');
    expect(stripIllegalXml('a\u0000b\u0008c\td\ne\uFFFEf\uD800g')).toBe('abc\td\nefg');
    expect(escapeXmlAttr('<"&\'>\n')).toBe('&lt;&quot;&amp;\'&gt;&#10;');
  });

  it('caps a runaway body in the failure text', () => {
    const evil = suites.find((s) => s['@_name'].includes('HYPERLINK'));
    const text = evil?.testcase[0]?.failure?.['#text'] ?? '';
    expect(text.length).toBeLessThan(10_000);
    expect(text).toMatch(/\[truncated \d+ bytes\]/);
  });

  it('gives times in seconds', () => {
    const alice = suites.find((s) => s['@_name'] === 'alice');
    expect(alice?.['@_time']).toBe('4.200');
    expect(alice?.testcase[0]?.['@_time']).toBe('0.003');
  });
});

describe('renderJunit, a load error reported with its tests', () => {
  it('shows every case as a load-error error', () => {
    const sub = loadErrorWithTests();
    const doc = parser.parse(renderJunit(sampleRun([sub]))) as XmlDoc;
    const cases = doc.testsuites.testsuite[0]?.testcase ?? [];
    expect(cases).toHaveLength(sub.tests.length * 2);
    expect(cases.every((c) => c.error?.['@_type'] === 'load-error')).toBe(true);
    expect(cases[0]?.error?.['@_message']).toContain('No "application" export');
  });
});
