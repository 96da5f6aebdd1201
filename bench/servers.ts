/**
 * Throughput of the two servers against a bare node:http handler, all serving
 * the same small to-do JSON reply, loaded over keep-alive on loopback.
 * Each target runs in its own process; rounds alternate targets so a noisy
 * neighbour hurts all of them alike, and the best round is reported (the
 * issue's measure: `wrk -t1 -c16`, best of rounds).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { loadGenerator, type LoadGenerator } from './load.ts';
import { printTable, type Row } from './table.ts';

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

/** Connections kept busy by the load generator (`wrk -t1 -c16`). */
const CONNECTIONS = 16;

function p99Text(us: number): string {
  return Number.isNaN(us) ? '< 1 ms' : us < 1000 ? `${us.toFixed(0)} µs` : `${(us / 1000).toFixed(1)} ms`;
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

async function measure(generator: LoadGenerator, name: Target, seconds: number): Promise<Sample> {
  const { url, child } = await startTarget(name);
  try {
    await generator.run(url, CONNECTIONS, 1); // warm-up: JIT, sockets
    const before = cpuMs(child.pid);
    const result = await generator.run(url, CONNECTIONS, seconds);
    const after = cpuMs(child.pid);
    if (result.failures > 0) throw new Error(`${name}: ${result.failures} errors or non-2xx answers under load`);
    // Each connection waits for its answer before the next request, so the mean latency is
    // connections / throughput (Little's law).
    const cpu = before === undefined || after === undefined ? Number.NaN : ((after - before) * 1000) / result.requests;
    return { rps: result.rps, latency: (CONNECTIONS / result.rps) * 1000, p99: result.p99Us, cpu };
  } finally {
    child.kill();
  }
}

export async function benchServers(seconds: number, rounds: number): Promise<void> {
  const generator = await loadGenerator();
  console.log(`\nload generator: ${generator.name}`);
  const samples = new Map<Target, Sample[]>();
  for (let round = 0; round < rounds; round++) {
    for (const name of TARGETS) {
      const sample = await measure(generator, name, seconds);
      samples.set(name, [...(samples.get(name) ?? []), sample]);
      process.stderr.write(`  round ${round + 1}/${rounds} ${name}: ${Math.round(sample.rps)} req/s\n`);
    }
  }
  // Best of the rounds, for every target alike: the round with the
  // most req/s (its latencies with it), and the lowest CPU a request of any round.
  const pick = (name: Target): Sample => {
    const all = samples.get(name)!;
    const best = all.reduce((a, b) => (b.rps > a.rps ? b : a));
    const cpus = all.map((s) => s.cpu).filter((c) => !Number.isNaN(c));
    return { ...best, cpu: cpus.length > 0 ? Math.min(...cpus) : Number.NaN };
  };
  const bare = pick('bare');
  const targets: Record<Target, string> = { bare: '—', simple: '≥ 0.8×', socket: '≥ 1.0×' };
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
    `HTTP throughput (keep-alive, ${CONNECTIONS} connections, ${seconds} s × ${rounds} rounds, best)`,
    ['server', 'req/s', 'latency avg', 'latency p99', 'server CPU/request', 'vs bare', 'target'],
    rows,
  );
}
