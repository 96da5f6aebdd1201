/**
 * Suite files → the groups of tests a submission is graded on. build() is run
 * with a collecting SuiteBuilder; the engine then registers each group once
 * per server with vitest.
 */
import type { SuiteDefinition, TestBody, TestSpec } from '../../suite/define.ts';
import type { SpecInfo, SuiteFile } from '../protocol.ts';
import { TIERS, type Tier } from '../../results/types.ts';
import { DEFAULT_TEST_SERVERS, SERVER_NAMES, type ServerName } from '../../servers/names.ts';
import { errorMessage } from '../../common/error-message.ts';

/** A suite problem (instructor's side): grading cannot go on. */
export class SuiteLoadError extends Error {
  override readonly name = 'SuiteLoadError';
}

export interface CollectedTest {
  spec: TestSpec;
  info: SpecInfo;
  body: TestBody;
}

export interface CollectedGroup {
  /** "<suite> › <group>", unique within a submission. */
  label: string;
  tests: CollectedTest[];
}

function isSuiteDefinition(value: unknown): value is SuiteDefinition {
  return typeof value === 'object' && value !== null && typeof (value as SuiteDefinition).build === 'function';
}

/** A transform error spans many lines with colours and a code frame: keep what it says and where. */
export function oneLine(error: unknown): string {
  const text = errorMessage(error).replace(/\x1b\[[0-9;]*m/g, '');
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => /^[\w[]/.test(line) && !/^\d+ │/.test(line));
  const where = /([^\s[\]]+\.ts:\d+:\d+)/.exec(text)?.[1];
  const said = lines.slice(0, 2).join(' ');
  return where === undefined || said.includes(where) ? said : `${said} (${where})`;
}

async function importSuite(file: SuiteFile): Promise<SuiteDefinition> {
  let module: { default?: unknown };
  try {
    module = (await import(/* @vite-ignore */ file.path)) as { default?: unknown };
  } catch (error) {
    throw new SuiteLoadError(`cannot load the suite ${file.path}: ${oneLine(error)}`);
  }
  if (!isSuiteDefinition(module.default)) {
    throw new SuiteLoadError(`${file.path} must default-export defineSuite(name, build)`);
  }
  return module.default;
}

function checkSpec(spec: TestSpec, where: string): void {
  const problems: string[] = [];
  if (typeof spec.id !== 'string' || spec.id === '') problems.push('an id');
  if (typeof spec.title !== 'string') problems.push('a title');
  if (!TIERS.includes(spec.tier)) problems.push(`a tier (${TIERS.map((tier) => `"${tier}"`).join(', ')})`);
  if (typeof spec.points !== 'number' || !(spec.points >= 0)) problems.push('points ≥ 0');
  if (spec.servers !== undefined && (!Array.isArray(spec.servers) || spec.servers.length === 0 || !spec.servers.every((s) => SERVER_NAMES.includes(s)))) {
    problems.push(`servers among ${SERVER_NAMES.join(', ')} (or none given: ${DEFAULT_TEST_SERVERS.join(' and ')})`);
  }
  if (problems.length > 0) throw new SuiteLoadError(`a test in ${where} needs ${problems.join(', ')}`);
}

/** --test: a selector picks the tests whose id starts with it or whose title contains it, in any case. */
export function selects(selector: string, spec: Pick<TestSpec, 'id' | 'title'>): boolean {
  const wanted = selector.toLowerCase();
  return spec.id.toLowerCase().startsWith(wanted) || spec.title.toLowerCase().includes(wanted);
}

/** A selector that picked nothing is a typo: say so, with the ids it came closest to. */
function checkSelectors(only: readonly string[], picked: ReadonlySet<string>, ids: readonly string[]): void {
  for (const selector of only) {
    if (picked.has(selector)) continue;
    const stem = selector.split('.')[0]!.toLowerCase();
    const near = ids.filter((id) => id.toLowerCase().startsWith(stem)).slice(0, 3);
    const examples = (near.length > 0 ? near : ids.slice(0, 3)).join(', ');
    throw new SuiteLoadError(`--test "${selector}" matches no test of the selected tiers (ids look like ${examples})`);
  }
}

/**
 * Load every suite file and collect the tests of the selected tiers (and,
 * given selectors, only the tests they pick), in declaration order.
 */
export async function collectGroups(
  files: SuiteFile[],
  tiers: readonly Tier[],
  only: readonly string[] = [],
  servers: readonly ServerName[] = SERVER_NAMES,
): Promise<CollectedGroup[]> {
  const suites = await Promise.all(files.map(async (file) => ({ file, suite: await importSuite(file) })));
  const groups: CollectedGroup[] = [];
  const seen = new Map<string, string>();
  const inTiers: string[] = [];
  const picked = new Set<string>();

  for (const { file, suite } of suites) {
    let current: CollectedGroup | undefined;
    const loose: CollectedGroup = { label: suite.name, tests: [] };
    suite.build({
      group(name, body) {
        if (current !== undefined) throw new SuiteLoadError(`${file.path}: group "${name}" is inside group "${current.label}"; groups do not nest`);
        current = { label: `${suite.name} › ${name}`, tests: [] };
        try {
          body();
          groups.push(current);
        } finally {
          current = undefined;
        }
      },
      test(spec, body) {
        checkSpec(spec, file.path);
        const other = seen.get(spec.id);
        if (other !== undefined) throw new SuiteLoadError(`duplicate test id "${spec.id}" in ${other} and ${file.path}`);
        seen.set(spec.id, file.path);
        if (!tiers.includes(spec.tier)) return;
        const on = (spec.servers ?? DEFAULT_TEST_SERVERS).filter((server) => servers.includes(server));
        // A test for servers this run leaves out (--server) is not run, as a test of another tier.
        if (on.length === 0) return;
        inTiers.push(spec.id);
        if (only.length > 0) {
          const by = only.filter((selector) => selects(selector, spec));
          if (by.length === 0) return;
          by.forEach((selector) => picked.add(selector));
        }
        const info: SpecInfo = {
          id: spec.id, title: spec.title, tier: spec.tier, points: spec.points, visibility: file.visibility,
          rule: spec.rule, hint: spec.hint, ...(spec.richardson === undefined ? {} : { richardson: spec.richardson }),
          servers: on, ...(spec.skip === undefined ? {} : { skip: spec.skip }),
        };
        (current ?? loose).tests.push({ spec, info, body });
      },
    });
    if (loose.tests.length > 0) groups.push(loose);
  }
  checkSelectors(only, picked, inTiers);
  return groups.filter((group) => group.tests.length > 0);
}
