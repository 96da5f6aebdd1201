/**
 * Throughput of the two servers against a bare node:http handler, all serving
 * the same small to-do JSON reply, loaded over keep-alive on loopback.
 * Each target runs in its own process; rounds alternate targets so a noisy
 * neighbour hurts all of them alike, and the median round is reported.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { median, printTable, type Row } from './table.ts';

const TARGETS = ['bare', 'simple', 'socket'] as const;
type Target = (typeof TARGETS)[number];

async function startTarget(name: Target): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/target.ts', name], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const [url] = (await once(lines, 'line')) as [string];
  return { url, child };
}

/** Connections kept busy by the load generator. */
const CONNECTIONS = 10;

/** autocannon's latency histogram counts whole milliseconds: below 1 ms it says nothing. */
function p99Text(ms: number): string {
  return ms < 1 ? '< 1 ms' : `${ms.toFixed(0)} ms`;
}

/**
 * CPU time (user + system) a process has used, in ms, where /proc tells it
 * (Linux): what a request costs the server, whatever else loads the machine.
 */
function cpuMs(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    // USER_HZ is 100 on every Linux the kit runs on.
    return Number.isFinite(ticks) ? ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}

interface Sample {
  rps: number;
  latency: number;
  p99: number;
  /** Server CPU per request, µs (NaN where unknown). */
  cpu: number;
}

async function measure(name: Target, seconds: number): Promise<Sample> {
  const { url, child } = await startTarget(name);
  try {
    await autocannon({ url, connections: CONNECTIONS, duration: 1 }); // warm-up: JIT, sockets
    const before = cpuMs(child.pid);
    const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds });
    const after = cpuMs(child.pid);
    if (result.errors > 0 || result.non2xx > 0) {
      throw new Error(`${name}: ${result.errors} errors, ${result.non2xx} non-2xx answers under load`);
    }
    // Each connection waits for its answer before the next request, so the mean latency is
    // connections / throughput (Little's law), to the microsecond; autocannon's is whole milliseconds.
    const cpu = before === undefined || after === undefined ? Number.NaN : ((after - before) * 1000) / result.requests.total;
    return { rps: result.requests.average, latency: (CONNECTIONS / result.requests.average) * 1000, p99: result.latency.p99, cpu };
  } finally {
    child.kill();
  }
}

export async function benchServers(seconds: number, rounds: number): Promise<void> {
  const samples = new Map<Target, Sample[]>();
  for (let round = 0; round < rounds; round++) {
    for (const name of TARGETS) {
      const sample = await measure(name, seconds);
      samples.set(name, [...(samples.get(name) ?? []), sample]);
      process.stderr.write(`  round ${round + 1}/${rounds} ${name}: ${Math.round(sample.rps)} req/s\n`);
    }
  }
  const pick = (name: Target): Sample => {
    const all = samples.get(name)!;
    const of = (key: keyof Sample): number => median(all.map((s) => s[key]));
    return { rps: of('rps'), latency: of('latency'), p99: of('p99'), cpu: of('cpu') };
  };
  const bare = pick('bare');
  const targets: Record<Target, string> = { bare: '—', simple: '≥ 0.8×', socket: '≥ 1.2×' };
  const rows: Row[] = TARGETS.map((name) => {
    const m = pick(name);
    return [
      name === 'bare' ? 'bare node:http' : name,
      Math.round(m.rps).toString(),
      `${(m.latency * 1000).toFixed(0)} µs`,
      p99Text(m.p99),
      Number.isNaN(m.cpu) ? '—' : `${m.cpu.toFixed(1)} µs`,
      `${(m.rps / bare.rps).toFixed(2)}×`,
      targets[name],
    ];
  });
  printTable(
    `HTTP throughput (keep-alive, ${CONNECTIONS} connections, ${seconds} s × ${rounds} rounds, median)`,
    ['server', 'req/s', 'latency avg', 'latency p99', 'server CPU/request', 'vs bare', 'target'],
    rows,
  );
}
