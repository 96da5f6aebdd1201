// The command lines of `grade` and `serve`: strict parsing, one-line mistakes.
import { describe, expect, test } from 'vitest';
import { parseArgs } from '../../grader/cli/args.ts';
import { parseServeArgs } from '../../grader/cli/serve-args.ts';

describe('grade', () => {
  test('defaults, --opt=value, tier lists, paths after --', () => {
    expect(parseArgs([])).toMatchObject({ paths: ['starter/app.ts'], tiers: ['core', '2', '3', '4'], only: [], watch: false, help: false, version: false });
    expect(parseArgs(['a.ts', '--tier=3,core', '--jobs', '4', '--timeout=9000', '--no-color'])).toMatchObject({
      paths: ['a.ts'], tiers: ['core', '3'], jobs: 4, submissionTimeoutMs: 9000, color: false,
    });
    expect(parseArgs(['--', '--weird-name.ts']).paths).toEqual(['--weird-name.ts']);
    expect(parseArgs(['--typecheck']).typecheck).toBe(true);
    expect(parseArgs(['--tier', 'core', '--tier', '2']).tiers).toEqual(['core', '2']);
    expect(parseArgs(['--color']).color).toBe(true);
    expect(parseArgs([])).not.toHaveProperty('color');
  });

  test('an option that needs a value never takes the next option as it', () => {
    expect(() => parseArgs(['--json', '--tier', 'core'])).toThrow(
      '--json needs a value, not the option --tier (write --json=--tier if that is the value)',
    );
    expect(() => parseArgs(['--json'])).toThrow('--json needs a value (see --help)');
    expect(() => parseArgs(['--json='])).toThrow('--json needs a value (see --help)');
    expect(() => parseArgs(['--watch=yes'])).toThrow('--watch takes no value');
    expect(() => parseArgs(['--bogus'])).toThrow('unknown option --bogus (see --help)');
    expect(() => parseArgs(['-x'])).toThrow('unknown option -x (see --help)');
    expect(() => parseArgs(['--color', '--no-color'])).toThrow('--color and --no-color: choose one');
  });

  test('-h and --help, --version', () => {
    expect(parseArgs(['-h']).help).toBe(true);
    expect(parseArgs(['--help']).help).toBe(true);
    expect(parseArgs(['--version']).version).toBe(true);
  });

  test('--test selectors (repeatable) and --server (repeatable or a list)', () => {
    expect(parseArgs(['--test', 'core.create', '--test=empty list']).only).toEqual(['core.create', 'empty list']);
    expect(parseArgs(['--server', 'socket']).servers).toEqual(['socket']);
    expect(parseArgs(['--server', 'socket,simple']).servers).toEqual(['simple', 'socket']);
    expect(() => parseArgs(['--server', 'apache'])).toThrow(/^--server: unknown server "apache" \(use simple, socket or prefork/);
    expect(() => parseArgs(['--test', ' '])).toThrow('--test needs a test id or part of a title (see --help)');
  });
});

describe('serve', () => {
  test('an app and its options', () => {
    expect(parseServeArgs(['app.ts', '--server=socket', '--port', '0', '--validate'])).toEqual({
      kind: 'serve', appPath: 'app.ts', server: 'socket', workers: 2, port: 0, host: '127.0.0.1', validate: true, sandbox: false,
    });
    expect(parseServeArgs(['app.ts', '--server', 'prefork', '--workers', '4'])).toMatchObject({ server: 'prefork', workers: 4 });
  });

  test('-h, --help and --version need no app', () => {
    expect(parseServeArgs(['-h'])).toEqual({ kind: 'help' });
    expect(parseServeArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseServeArgs(['--version'])).toEqual({ kind: 'version' });
  });

  test('mistakes are one line', () => {
    expect(() => parseServeArgs(['app.ts', '--port', '--validate'])).toThrow(
      '--port needs a value, not the option --validate (write --port=--validate if that is the value)',
    );
    expect(() => parseServeArgs(['app.ts', '--nope'])).toThrow('unknown option --nope (see --help)');
    expect(() => parseServeArgs(['a.ts', 'b.ts'])).toThrow('one app at a time: got "a.ts" and "b.ts"');
    expect(() => parseServeArgs(['app.ts', '--port', '70000'])).toThrow('--port must be a number from 0 to 65535, not "70000"');
    expect(() => parseServeArgs([])).toThrow('no app given');
  });
});
