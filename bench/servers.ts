/**
 * Throughput of the two servers against a bare node:http handler, all serving
 * the same small to-do JSON reply, loaded over keep-alive on loopback.
 * Each target runs in its own process; rounds alternate targets so a noisy
 * neighbour hurts all of them alike, and the median round is reported.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
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

async function measure(name: Target, seconds: number): Promise<{ rps: number; latency: number; p99: number }> {
  const { url, child } = await startTarget(name);
  try {
    await autocannon({ url, connections: 10, duration: 1 }); // warm-up: JIT, sockets
    const result = await autocannon({ url, connections: 10, duration: seconds });
    if (result.errors > 0 || result.non2xx > 0) {
      throw new Error(`${name}: ${result.errors} errors, ${result.non2xx} non-2xx answers under load`);
    }
    return { rps: result.requests.average, latency: result.latency.average, p99: result.latency.p99 };
  } finally {
    child.kill();
  }
}

export async function benchServers(seconds: number, rounds: number): Promise<void> {
  const samples = new Map<Target, Array<{ rps: number; latency: number; p99: number }>>();
  for (let round = 0; round < rounds; round++) {
    for (const name of TARGETS) {
      const sample = await measure(name, seconds);
      samples.set(name, [...(samples.get(name) ?? []), sample]);
      process.stderr.write(`  round ${round + 1}/${rounds} ${name}: ${Math.round(sample.rps)} req/s\n`);
    }
  }
  const pick = (name: Target) => {
    const all = samples.get(name)!;
    return { rps: median(all.map((s) => s.rps)), latency: median(all.map((s) => s.latency)), p99: median(all.map((s) => s.p99)) };
  };
  const bare = pick('bare');
  const targets: Record<Target, string> = { bare: '—', simple: '≥ 0.8×', socket: '≥ 1.2×' };
  const rows: Row[] = TARGETS.map((name) => {
    const m = pick(name);
    return [
      name === 'bare' ? 'bare node:http' : name,
      Math.round(m.rps).toString(),
      `${m.latency.toFixed(2)} ms`,
      `${m.p99.toFixed(2)} ms`,
      `${(m.rps / bare.rps).toFixed(2)}×`,
      targets[name],
    ];
  });
  printTable(
    `HTTP throughput (keep-alive, 10 connections, ${seconds} s × ${rounds} rounds, median)`,
    ['server', 'req/s', 'latency avg', 'latency p99', 'vs bare', 'target'],
    rows,
  );
}
