import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_VIOLATION_CODES, VIOLATION_CODES, WARNING_CODES } from '../../../grader/wsgi/validate/index.ts';

// The headings of PEP 3333, so every rule can be looked up.
const PEP_SECTIONS = new Set([
  'The Application/Framework Side',
  'The Server/Gateway Side',
  'Specification Details',
  'environ Variables',
  'Input and Error Streams',
  'The start_response() Callable',
  'Handling the Content-Length Header',
  'Buffering and Streaming',
  'The write() Callable',
  'Unicode Issues',
  'Error Handling',
  'Other HTTP Features',
  'A Note On String Types',
]);

describe('VIOLATION_CODES', () => {
  it('has stable kebab-case codes with a rule, a fix and a PEP 3333 section', () => {
    for (const [code, info] of Object.entries({ ...VIOLATION_CODES, ...WARNING_CODES })) {
      expect(code).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(PEP_SECTIONS.has(info.section), `${code}: ${info.section}`).toBe(true);
      expect(info.rule.length).toBeGreaterThan(10);
      expect(info.fix.length).toBeGreaterThan(5);
      expect(['application', 'server']).toContain(info.side);
    }
    expect(ALL_VIOLATION_CODES).toEqual(Object.keys(VIOLATION_CODES));
  });

  it('every code is made to fire by a crafted bad app in these tests', () => {
    const folder = new URL('./', import.meta.url);
    const sources = readdirSync(folder)
      .filter((name) => name.endsWith('.test.ts') && name !== 'codes.test.ts')
      .map((name) => readFileSync(new URL(name, folder), 'utf8'))
      .join('\n');
    const fired = new Set([...sources.matchAll(/(?:expectViolation|refused)\([\s\S]*?,\s*'([a-z0-9-]+)'\)/g)].map((m) => m[1]));
    const untested = ALL_VIOLATION_CODES.filter((code) => !fired.has(code));
    expect(untested).toEqual([]);
  });
});
