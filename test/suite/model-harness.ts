/**
 * The model test in-process, fast: a submission bundled with esbuild, served
 * by the kit's own servers in this process, and the grader's TestContext
 * (GradingContext) talking to it. fresh() evaluates the bundle anew, so each
 * run starts on new module-level state, as the app process's fresh() does.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { compileFunction } from 'node:vm';
import * as esbuild from 'esbuild';
import { DEFAULTS } from '../../grader/engine/options.ts';
import { startServer, type RunningServer } from '../../grader/servers/index.ts';
import type { TestSpec } from '../../grader/suite/define.ts';
import modelSuite from '../../grader/suite/tests/model.suite.ts';
import { GradingContext } from '../../grader/suite/runtime/context.ts';
import { createClient, type AppClient } from '../../grader/suite/runtime/http.ts';
import type { Application } from '../../grader/wsgi/types.ts';
import type { InProcessServerName } from '../../grader/servers/index.ts';
import { materialize, SOLUTION_DIR, type Mutant } from '../fixtures/submissions/mutants.ts';

/** The spec of core.model.random-sequences, as the suite declares it. */
export function modelSpec(): TestSpec {
  let spec: TestSpec | undefined;
  modelSuite.build({ group: (_name, body) => body(), test: (declared) => (spec = declared) });
  if (spec === undefined) throw new Error('model.suite.ts declares no test');
  return spec;
}

/** A bundled submission whose app can be instantiated fresh. */
export interface Bundle {
  fresh(): Promise<Application>;
}

const requireHere = createRequire(import.meta.url);

/**
 * Bundle a submission folder once (esbuild, CommonJS) and compile it as a
 * function: each call evaluates the whole bundle anew, so every instance
 * has its own module-level state, without re-importing a module (which
 * would keep every instance in the module cache for the rest of the run).
 */
async function bundle(sourceDir: string): Promise<Bundle> {
  const result = await esbuild.build({
    entryPoints: [join(sourceDir, 'app.ts')],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;
  const evaluate = compileFunction(code, ['require', 'module', 'exports'], { filename: join(sourceDir, 'app.bundle.cjs') });
  return {
    async fresh() {
      const module = { exports: {} as { application?: Application } };
      evaluate(requireHere, module, module.exports);
      if (typeof module.exports.application !== 'function') throw new Error(`${join(sourceDir, 'app.ts')} exports no application`);
      return module.exports.application;
    },
  };
}

/** A temporary folder for materialized mutants, removed by the returned cleanup. */
export async function workspace(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'todo-wsgi-model-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function bundleSolution(): Promise<Bundle> {
  return bundle(SOLUTION_DIR);
}

export async function bundleMutant(mutant: Mutant, workDir: string): Promise<Bundle> {
  return bundle(await materialize(mutant, join(workDir, mutant.name)));
}

/** One submission served on one server, and TestContexts talking to it. */
export class InProcessApp {
  private app: Application | undefined;
  private constructor(
    private readonly source: Bundle,
    readonly server: RunningServer,
    private readonly client: AppClient,
    /** Errors (and contract violations) the app raised, for tests that look at them. */
    readonly appErrors: unknown[],
  ) {}

  /** validate: wrap the app in validate(), as the grader does (a contract violation then answers 500). */
  static async start(source: Bundle, server: InProcessServerName, { validate = true }: { validate?: boolean } = {}): Promise<InProcessApp> {
    const appErrors: unknown[] = [];
    let current: InProcessApp | undefined;
    // The server keeps this one function; fresh() swaps the app behind it.
    const forward: Application = (environ, startResponse) => {
      if (current?.app === undefined) throw new Error('no app loaded');
      return current.app(environ, startResponse);
    };
    const running = await startServer(server, forward, { validate, log: () => {}, onAppError: (error) => appErrors.push(error) });
    current = new InProcessApp(source, running, createClient(running.url), appErrors);
    current.app = await source.fresh();
    return current;
  }

  /** A TestContext for the model test, with this seed and run count. */
  context(seed: number, runs: number, spec: TestSpec = modelSpec(), runSeed: number = DEFAULTS.seed): GradingContext {
    return new GradingContext({
      spec,
      server: this.server.name,
      seed,
      runSeed,
      runs,
      app: {
        drainRecords: async () => [],
        fresh: async () => {
          this.app = await this.source.fresh();
        },
      },
      client: this.client,
      requestTimeoutMs: 2_000,
      checkDeadline: () => {},
    });
  }

  async close(): Promise<void> {
    await this.client.close();
    await this.server.close();
  }
}
