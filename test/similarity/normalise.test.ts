// Each normalisation rule: two spellings of the same code give the same
// normalised token stream (and, where the rule is the only thing making them
// alike, different raw streams — so the test fails without the rule).
import { describe, expect, test } from 'vitest';
import { parseSubmission } from '../../grader/similarity/tokenize.ts';
import { normalisedTokens, rawTokens } from '../../grader/similarity/tokens.ts';

function tokens(files: Record<string, string>, normalise = true): string {
  const unit = parseSubmission({ name: 'x', files: Object.entries(files).map(([path, text]) => ({ path, text })) });
  return (normalise ? normalisedTokens(unit) : rawTokens(unit)).map((t) => t.text).join(' ');
}

const wrap = (body: string): string => `export function application(environ: any, start: any) {\n${body}\n}\n`;

const SAME: Array<[string, string, string]> = [
  ['renamed identifiers and changed literals', wrap('const total = environ.a + 1; return total;'), wrap("const sum = environ['b'] + 2; return sum;")],
  ['types and comments', wrap('const n: number = 1 as number; // one\nreturn n!;'), wrap('const n = 1;\nreturn n;')],
  ['for and while', wrap('let s = 0; for (let i = 0; i < 3; i++) { s += environ[i]; } return s;'), wrap('let s = 0; let i = 0; while (i < 3) { s += environ[i]; i = i + 1; } return s;')],
  ['switch and an if-chain', wrap("switch (environ.m) { case 'GET': return 1; case 'POST': return 2; default: return 3; }"), wrap("if (environ.m === 'GET') return 1; else if (environ.m === 'POST') return 2; return 3;")],
  ['a ternary and an if', wrap('return environ.x ? environ.a : environ.b;'), wrap('if (environ.x) { return environ.a; } else { return environ.b; }')],
  ['a template and a concatenation', wrap('return `/todos/${environ.id}`;'), wrap("return '/todos/' + environ.id;")],
  ['String(x), x.toString() and `${x}`', wrap('return String(environ.n);'), wrap('return `${environ.n}`;')],
  ['forEach and for-of', wrap('environ.xs.forEach((x: any) => { start(x); });'), wrap('for (const x of environ.xs) { start(x); }')],
  ['=== and ==, ?? and ||', wrap('return environ.a === 1 ?? environ.b;'), wrap('return environ.a == 1 || environ.b;')],
  ['dead code after return, if (false), console output, unused declarations', wrap("const unused = 7; console.log('hi'); if (false) { start(1); } return environ.a; start(2);"), wrap('return environ.a;')],
  ['an unused function', `function helper() { return 42; }\n${wrap('return environ.a;')}`, wrap('return environ.a;')],
  ['a helper called once, and the same code inline', `function isBlank(t: any) { return t.trim() === ''; }\n${wrap('if (isBlank(environ.title)) return 400; return 200;')}`, wrap("if (environ.title.trim() === '') return 400; return 200;")],
  ['reordered functions', `function a() { return 1; }\nfunction b() { return a() + a(); }\n${wrap('return b() + b();')}`, `${wrap('return b() + b();')}\nfunction b() { return a() + a(); }\nfunction a() { return 1; }`],
  ['reordered independent declarations', wrap("const a = environ.x; const b = 'y'; return a + b;"), wrap("const b = 'y'; const a = environ.x; return a + b;")],
  ['reordered dispatch branches', wrap("if (environ.m === 'GET') return 1; if (environ.m === 'POST') return start(2); return 3;"), wrap("if (environ.m === 'POST') return start(2); if (environ.m === 'GET') return 1; return 3;")],
  ['this.x and a closure variable', 'class A { items = 1; get() { return this.items + this.items; } }\nconst a = new A();\n' + wrap('return a.get();'), 'class A { items = 1; get() { return items + items; } }\nconst a = new A();\n' + wrap('return a.get();')],
];

describe('normalised tokens read equivalent code alike', () => {
  for (const [rule, left, right] of SAME) {
    test(rule, () => {
      expect(tokens({ 'app.ts': left })).toBe(tokens({ 'app.ts': right }));
      // Raw tokens tell them apart: the rule, not the tokenizer, makes them equal.
      if (rule !== 'renamed identifiers and changed literals' && rule !== 'types and comments') {
        expect(tokens({ 'app.ts': left }, false)).not.toBe(tokens({ 'app.ts': right }, false));
      }
    });
  }

  test('code moved to another file, imported by name or as a namespace, reads as if it had stayed', () => {
    const one = tokens({ 'app.ts': `function isBlank(t: any) { return t.trim() === ''; }\nfunction twice(t: any) { return isBlank(t) && isBlank(t); }\n${wrap('return twice(environ.a) ? 400 : twice(environ.b);')}` });
    const named = tokens({
      'app.ts': `import { twice } from './checks.ts';\n${wrap('return twice(environ.a) ? 400 : twice(environ.b);')}`,
      'checks.ts': "export function isBlank(t: any) { return t.trim() === ''; }\nexport function twice(t: any) { return isBlank(t) && isBlank(t); }\n",
    });
    const namespace = tokens({
      'app.ts': `import * as checks from './lib/checks.js';\n${wrap('return checks.twice(environ.a) ? 400 : checks.twice(environ.b);')}`,
      'lib/checks.ts': "export function isBlank(t: any) { return t.trim() === ''; }\nexport function twice(t: any) { return isBlank(t) && isBlank(t); }\n",
    });
    expect(named).toBe(one);
    expect(namespace).toBe(one);
  });

  test('different code stays different', () => {
    expect(tokens({ 'app.ts': wrap('return environ.a + 1;') })).not.toBe(tokens({ 'app.ts': wrap('for (const x of environ.a) start(x); return 1;') }));
  });
});

describe('submissions the parser cannot fully read', () => {
  test('are listed with file:line:col, compared as far as parsed, and empty ones are listed but not compared', async () => {
    const { analyse } = await import('../../grader/similarity/analyse.ts');
    const good = wrap('if (environ.a) return 1; return 2;');
    const report = analyse([
      { name: 'broken', files: [{ path: 'app.ts', text: `${good}\nfunction (( {` }] },
      { name: 'fine', files: [{ path: 'app.ts', text: good }] },
      { name: 'nothing', files: [] },
    ], []);
    const byName = new Map(report.submissions.map((s) => [s.name, s]));
    expect(byName.get('broken')?.status).toBe('syntax-errors');
    expect(byName.get('broken')?.errors[0]).toMatch(/^app\.ts:\d+:\d+: /);
    expect(byName.get('nothing')?.status).toBe('empty');
    expect(byName.get('fine')?.status).toBe('ok');
    expect(report.pairs.every((p) => p.a !== 'nothing' && p.b !== 'nothing')).toBe(true);
  });
});
