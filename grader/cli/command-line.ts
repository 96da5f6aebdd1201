/**
 * The kit's commands read their arguments with node:util parseArgs in strict
 * mode, so an option that needs a value never swallows the next option
 * (`--json --tier core` is a mistake, not a file named "--tier"). Its errors
 * are several lines long and speak of "positionals"; here each becomes the
 * one line a user can act on.
 */
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { errorMessage } from '../common/error-message.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface CommandLine<O extends Options> {
  values: ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: true }>>['values'];
  positionals: string[];
}

/** The option a parseArgs message names: "Unknown option '--x'", "Option '--json <value>' argument missing". */
function optionNamed(message: string): string {
  return /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? 'an option';
}

/** The word after an option that wanted a value and got another option instead. */
function wordAfter(argv: readonly string[], option: string): string | undefined {
  const at = argv.indexOf(option);
  return at === -1 ? undefined : argv[at + 1];
}

function oneLine(error: unknown, argv: readonly string[]): string {
  const code = (error as { code?: unknown }).code;
  const message = errorMessage(error);
  const option = optionNamed(message);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${option} (see --help)`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/does not take an argument/.test(message)) return `${option} takes no value`;
    const next = wordAfter(argv, option);
    if (next !== undefined && next.startsWith('-')) {
      return `${option} needs a value, not the option ${next} (write ${option}=${next} if that is the value)`;
    }
    return `${option} needs a value (see --help)`;
  }
  return `${message.split('\n')[0]} (see --help)`;
}

/**
 * Parse `argv` strictly against `options`; `fail` makes the command's own
 * usage error from a one-line message. An empty value (`--json=`) counts as
 * missing: no option of the kit means anything by it.
 */
export function parseCommandLine<O extends Options>(argv: readonly string[], options: O, fail: (message: string) => Error): CommandLine<O> {
  let parsed: CommandLine<O>;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (error) {
    throw fail(oneLine(error, argv));
  }
  for (const [name, value] of Object.entries(parsed.values)) {
    const empty = Array.isArray(value) ? value.includes('') : value === '';
    if (empty) throw fail(`--${name} needs a value (see --help)`);
  }
  return parsed;
}

/** "todo-wsgi 0.1.0 (node v24.…)" for --version: the kit's version from its package.json. */
export function versionLine(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
  return `${manifest.name} ${manifest.version} (node ${process.version})`;
}

/** "a, b or c": a list of choices in an error message. */
export function orList(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}
