/**
 * What the sandbox enforces on this Node version — and, as plainly, what it
 * does not. Read by every report next to a submission's result.
 */
import type { SandboxReport } from '../results/types.ts';
import { hasNetworkPermission, permissionFlag } from './node-flags.ts';

/** What the permission model can deny, by the flag that would allow it (Node lists the flags it knows). */
const GATES: ReadonlyArray<{ flag: string; what: string }> = [
  { flag: '--allow-fs-write', what: 'file writes' },
  { flag: '--allow-child-process', what: 'child processes' },
  { flag: '--allow-worker', what: 'worker threads' },
  { flag: '--allow-addons', what: 'native addons' },
  { flag: '--allow-wasi', what: 'WASI' },
];

export interface SandboxReportOptions {
  /** Was the permission model applied? Default true. */
  sandbox?: boolean;
  memoryMb?: number;
  startTimeoutMs?: number;
}

/**
 * `nodeFlags`: the flags this Node knows (process.allowedNodeEnvironmentFlags,
 * which app processes share: they run the same binary).
 */
export function sandboxReport(options: SandboxReportOptions = {}, nodeFlags: ReadonlySet<string> = process.allowedNodeEnvironmentFlags): SandboxReport {
  const node = process.versions.node;
  const major = Number(node.split('.')[0]);
  const memoryMb = options.memoryMb ?? 256;
  const startS = (options.startTimeoutMs ?? 5000) / 1000;
  const enforced = [
    'imports are confined to the submission\'s folder when it is bundled (node: builtins and type-only imports aside)',
    'symbolic links inside a submission that point outside its folder are rejected before it runs',
    `each app runs in its own child process with a ${memoryMb} MB JavaScript heap (--max-old-space-size)`,
    `an app must load and listen within ${startS} s; the grader kills (SIGKILL) app processes it is done with or that hang`,
    "the app process gets a minimal environment: none of the grader's environment variables",
    "the app process does not listen: the grader listens and passes it only the connections the grader's own client opened, so another submission's app cannot reach it",
    'process.kill() may only signal the app\'s own process (a guard in the runtime, not Node\'s permission model)',
  ];
  const notEnforced = [
    'CPU time: an infinite loop is stopped only by the grader\'s timeouts, not by a CPU quota',
    'memory outside the JavaScript heap (Buffers, ArrayBuffers) is not capped by --max-old-space-size',
    'the app shares its process with the server and the runtime: it can monkey-patch them, or send the grader forged or floods of IPC messages (forged ones are dropped and could only change diagnostics: scores come from what the grader observes over HTTP)',
    'output is not filtered: what the app prints (a fake score, say) is shown as written — and never read for scores',
    'an out-of-memory abort may leave a core file in the bundle folder where the machine enables core dumps (ulimit -c)',
  ];
  if (options.sandbox === false) {
    notEnforced.unshift('the permission model is off for this run: the app may read and write files, start processes and threads');
    return { enforced, notEnforced };
  }
  enforced.push(
    `Node ${node} permission model (${permissionFlag(nodeFlags)}): file reads limited to the app's bundle and the submission's own folder (a single-file submission: its file)`,
  );
  // Each capability the permission model gates on this Node has an --allow-* flag, which the
  // grader never passes; a capability without its flag here is not gated, and is said so.
  for (const gate of GATES) {
    if (nodeFlags.has(gate.flag)) enforced.push(`${gate.what} denied (no ${gate.flag})`);
    else notEnforced.push(`${gate.what}: Node ${node} has no ${gate.flag}, so its permission model may not gate them`);
  }
  enforced.push(
    nodeFlags.has('--allow-inspector') ? 'the inspector denied (no --allow-inspector)' : 'the inspector denied (the permission model restricts it)',
  );
  if (hasNetworkPermission(nodeFlags)) enforced.push('network denied (no --allow-net): the app can neither open connections nor listen');
  else {
    notEnforced.push(
      `network: Node ${node}'s permission model has no network permission (--allow-net came in Node 25) — the app can open connections (to other machines too) and listen on other ports; another submission's app still cannot reach it, since its connections are only the grader's`,
    );
  }
  notEnforced.push(
    "Node's documentation calls the permission model a seat belt, not a security boundary against malicious code: run untrusted classes in a container or VM as well",
  );
  if (major >= 22) {
    notEnforced.push("node:sqlite: Node's documentation does not promise that the permission model covers files it opens");
  }

  return { enforced, notEnforced };
}
