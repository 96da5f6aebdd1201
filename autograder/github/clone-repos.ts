/**
 * `npm run clone-repos -- repos.txt submissions/`: every student repository
 * of a course, cloned (or brought up to date) into one folder, ready for
 * `npm run grade -- submissions/`. repos.txt lists one clone URL a line
 * (blank lines and lines starting with # are skipped); each repository goes
 * to submissions/<its name>. The grader reads each one's commit from its
 * .git, so the results say which push was graded.
 *
 * For example, every repository of an organisation whose name starts with
 * the assignment's prefix, listed with GitHub's CLI:
 *   gh repo list your-org --limit 1000 --json name,sshUrl \
 *     --jq '.[] | select(.name | startswith("todo-wsgi-")) | .sshUrl' > repos.txt
 *
 * git runs with an argument list, never through a shell; a URL can name
 * nothing else than a repository to clone.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HELP = `Clone every repository of a list into one folder, to grade them all at once.

Usage: npm run clone-repos -- LIST FOLDER [--before DATE]

  LIST           a file with one clone URL a line (# comments and blank lines are skipped)
  FOLDER         where each repository goes, as FOLDER/<repository name>
  --before DATE  check out each repository's last commit before DATE (e.g. the deadline,
                 2026-12-01T23:59:00Z) instead of its latest one
  -h, --help     this text

Then: npm run grade -- FOLDER --json class.json (each result has the commit graded).`;

/** The folder name of a clone URL: its last path segment without ".git" (git's own rule). */
export function repositoryName(url: string): string | undefined {
  const last = url.trim().replace(/[\\/]+$/, '').split(/[\\/:]/).pop() ?? '';
  const name = last.replace(/\.git$/, '');
  return /^[A-Za-z0-9._-]+$/.test(name) && !/^\.+$/.test(name) ? name : undefined;
}

export function readList(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

function git(args: string[], cwd?: string): { ok: boolean; out: string } {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { ok: result.status === 0, out: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() };
}

/** Clones `url` into `dir`, or fetches it again; then checks out the commit wanted. Returns one line for the log. */
export function cloneOne(url: string, dir: string, before?: string): string {
  // Full history only when a deadline must be found in it.
  const depth = before === undefined ? ['--depth', '1'] : [];
  const step = existsSync(join(dir, '.git'))
    ? git(['fetch', '--quiet', ...depth, 'origin', 'HEAD'], dir)
    : git(['clone', '--quiet', ...depth, '--', url, dir]);
  if (!step.ok) return `✗ ${url}: ${step.out.split('\n').at(-1) ?? 'git failed'}`;
  const target = existsSync(join(dir, '.git', 'FETCH_HEAD')) ? 'FETCH_HEAD' : 'HEAD';
  let commit = git(['rev-parse', target], dir).out;
  if (before !== undefined) {
    commit = git(['rev-list', '-1', `--before=${before}`, target], dir).out;
    if (commit === '') return `✗ ${url}: no commit before ${before}`;
  }
  const checkout = git(['checkout', '--quiet', '--detach', commit], dir);
  return checkout.ok ? `✓ ${url} → ${dir} at ${commit.slice(0, 12)}` : `✗ ${url}: ${checkout.out.split('\n').at(-1) ?? 'checkout failed'}`;
}

function main(argv: string[]): number {
  if (argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const at = argv.indexOf('--before');
  const before = at === -1 ? undefined : argv[at + 1];
  if (at !== -1 && (before === undefined || before.startsWith('-'))) return fail('--before needs a date, e.g. --before 2026-12-01T23:59:00Z');
  const positionals = argv.filter((_, i) => at === -1 || (i !== at && i !== at + 1));
  const [list, folder, ...extra] = positionals;
  if (list === undefined || folder === undefined || extra.length > 0) return fail('give a LIST file and a FOLDER (see --help)');
  if (!existsSync(list)) return fail(`no such file: ${list}`);
  const urls = readList(readFileSync(list, 'utf8'));
  if (urls.length === 0) return fail(`${list} lists no repository`);
  mkdirSync(folder, { recursive: true });
  const seen = new Set<string>();
  let failed = 0;
  urls.forEach((url, i) => {
    const name = repositoryName(url);
    let line: string;
    if (name === undefined) line = `✗ ${url}: cannot tell the repository's name from this URL`;
    else if (seen.has(name)) line = `✗ ${url}: a repository named ${name} is already in the list`;
    else line = cloneOne(url, join(folder, name), before);
    if (name !== undefined) seen.add(name);
    if (line.startsWith('✗')) failed++;
    process.stderr.write(`[${i + 1}/${urls.length}] ${line}\n`);
  });
  process.stderr.write(`${urls.length - failed} of ${urls.length} repositories in ${folder}\n`);
  return failed === 0 ? 0 : 1;
}

function fail(message: string): number {
  process.stderr.write(`clone-repos: ${message}\n`);
  return 2;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
