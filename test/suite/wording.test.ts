/**
 * What a student reads names the contract the way its TypeScript types do:
 * startResponse, excInfo. PEP 3333's start_response appears only where the
 * PEP is quoted — a section heading, or in parentheses after the TS name.
 */
import { describe, expect, it } from 'vitest';
import type { TestSpec } from '../../grader/suite/define.ts';
import core from '../../grader/suite/tests/core.suite.ts';
import coreValidation from '../../grader/suite/tests/core.validation.suite.ts';
import level2Item from '../../grader/suite/tests/level2.item.suite.ts';
import level2 from '../../grader/suite/tests/level2.suite.ts';
import level3 from '../../grader/suite/tests/level3.suite.ts';
import level4 from '../../grader/suite/tests/level4.suite.ts';
import model from '../../grader/suite/tests/model.suite.ts';
import { VIOLATION_CODES, violation, type ViolationCode } from '../../grader/wsgi/validate/index.ts';

/** PEP names outside a quote of the PEP: a section heading in quotes, or "(PEP 3333's …)". */
function unquotedPepNames(text: string): string[] {
  const withoutQuotes = text
    .replace(/"The start_response\(\) Callable"/g, '')
    .replace(/\(PEP 3333's [a-z_]+\)/g, '');
  return withoutQuotes.match(/start_response|exc_info/g) ?? [];
}

function specs(): TestSpec[] {
  const all: TestSpec[] = [];
  for (const suite of [core, coreValidation, level2Item, level2, level3, level4, model]) {
    suite.build({ group: (_name, body) => body(), test: (spec) => void all.push(spec) });
  }
  return all;
}

describe('student-facing text uses the TypeScript names', () => {
  it('every test\'s title, rule and hint', () => {
    for (const spec of specs()) {
      expect(unquotedPepNames(`${spec.title}\n${spec.rule}\n${spec.hint}`), spec.id).toEqual([]);
    }
  });

  it('every violation\'s message (rule, fix, and the PEP section quoted)', () => {
    for (const code of Object.keys(VIOLATION_CODES) as ViolationCode[]) {
      const message = violation(code, 'problem').message;
      expect(unquotedPepNames(message), code).toEqual([]);
    }
  });

  it('the problems the checks describe', async () => {
    const { validate } = await import('../../grader/wsgi/validate/index.ts');
    const { serve, TEXT } = await import('../wsgi/validate/harness.ts');
    const messages: string[] = [];
    const cases: Array<Parameters<typeof validate>[0]> = [
      (_environ, startResponse) => {
        (startResponse as (...args: unknown[]) => unknown)(200, TEXT);
        return [];
      },
      (_environ, startResponse) => {
        startResponse('200 OK', TEXT);
        startResponse('200 OK', TEXT);
        return [];
      },
      (_environ, startResponse) => {
        (startResponse as (...args: unknown[]) => unknown)('200 OK');
        return [];
      },
      () => [Buffer.from('x')],
    ];
    for (const app of cases) {
      try {
        serve(validate(app));
      } catch (error) {
        messages.push((error as Error).message);
      }
    }
    expect(messages).toHaveLength(cases.length);
    for (const message of messages) expect(unquotedPepNames(message), message).toEqual([]);
  });
});
