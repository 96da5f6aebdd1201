/**
 * The load generator behind the server benchmark: wrk (written in C, so the
 * generator is not the bottleneck) when it is on PATH, autocannon otherwise.
 * Both keep `connections` keep-alive connections busy with GETs of one URL.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';

export interface LoadResult {
  /** Requests answered. */
  requests: number;
  /** Requests per second over the run. */
  rps: number;
  /** 99th percentile latency in µs; NaN when the generator can't tell below its resolution. */
  p99Us: number;
  /** Connection errors, timeouts and non-2xx answers. */
  failures: number;
}

export interface LoadGenerator {
  /** Its name as printed, e.g. "wrk 4.1.0 (-t1)". */
  readonly name: string;
  run(url: string, connections: number, seconds: number): Promise<LoadResult>;
}

const run = promisify(execFile);

/** The path of `command` on PATH, if any. */
function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, command);
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** wrk's done() hook prints one JSON line; its percentiles are in µs, from a full histogram. */
const DONE_SCRIPT = `done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK {"requests":%d,"duration":%d,"failures":%d,"p99":%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(99)))
end
`;

function wrkGenerator(path: string, version: string): LoadGenerator {
  const script = join(mkdtempSync(join(tmpdir(), 'todo-wsgi-bench-')), 'done.lua');
  writeFileSync(script, DONE_SCRIPT);
  return {
    // One wrk thread: the server gets the other core.
    name: `wrk ${version} (-t1)`,
    async run(url, connections, seconds) {
      const { stdout } = await run(path, ['-t1', `-c${connections}`, `-d${seconds}s`, '-s', script, url]);
      const line = stdout.split('\n').find((l) => l.startsWith('WRK '));
      if (line === undefined) throw new Error(`wrk printed no summary:\n${stdout}`);
      const s = JSON.parse(line.slice(4)) as { requests: number; duration: number; failures: number; p99: number };
      return { requests: s.requests, rps: s.requests / (s.duration / 1e6), p99Us: s.p99, failures: s.failures };
    },
  };
}

const autocannonGenerator: LoadGenerator = {
  name: 'autocannon (wrk not on PATH)',
  async run(url, connections, seconds) {
    const result = await autocannon({ url, connections, duration: seconds });
    // autocannon's latency histogram counts whole milliseconds: below 1 ms it says nothing.
    const p99Us = result.latency.p99 < 1 ? Number.NaN : result.latency.p99 * 1000;
    return { requests: result.requests.total, rps: result.requests.average, p99Us, failures: result.errors + result.timeouts + result.non2xx };
  },
};

/** wrk when installed (Debian's `wrk` package), else autocannon. */
export async function loadGenerator(): Promise<LoadGenerator> {
  const path = onPath('wrk');
  if (path === undefined) return autocannonGenerator;
  // `wrk -v` prints its version and usage, and exits 1.
  const out = await run(path, ['-v']).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  const version = /wrk (\S+)/.exec(out.stdout)?.[1] ?? '?';
  return wrkGenerator(path, version);
}
