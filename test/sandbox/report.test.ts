import { describe, expect, it } from 'vitest';
import { childFlags, permissionFlag } from '../../grader/sandbox/node-flags.ts';
import { sandboxReport } from '../../grader/sandbox/report.ts';

const major = Number(process.versions.node.split('.')[0]);

describe('sandboxReport', () => {
  it('lists what the permission model enforces on this Node', () => {
    const report = sandboxReport();
    expect(report.enforced).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Node \S+ permission model \(--(experimental-)?permission\)/),
        'file writes denied (no --allow-fs-write)',
        'child processes denied (no --allow-child-process)',
        'worker threads denied (no --allow-worker)',
      ]),
    );
  });

  it('says plainly that the network is not restricted where Node has no network permission', () => {
    const node24 = new Set([...process.allowedNodeEnvironmentFlags].filter((flag) => flag !== '--allow-net'));
    expect(sandboxReport({}, node24).notEnforced.some((line) => line.startsWith('network:'))).toBe(true);
    expect(sandboxReport({}, node24).enforced.some((line) => /network/i.test(line))).toBe(false);
  });

  it('says on every Node that no other app process can reach the app', () => {
    expect(sandboxReport().enforced).toContainEqual(expect.stringMatching(/^the app process does not listen: .*another submission's app cannot reach it/));
  });

  it('derives each denial from the flags this Node reports, and says what an older Node does not gate', () => {
    const node25 = new Set([...process.allowedNodeEnvironmentFlags, '--permission', '--allow-net', '--allow-inspector']);
    const report25 = sandboxReport({}, node25);
    expect(report25.enforced).toEqual(expect.arrayContaining([
      expect.stringMatching(/permission model \(--permission\)/),
      'native addons denied (no --allow-addons)',
      'WASI denied (no --allow-wasi)',
      'the inspector denied (no --allow-inspector)',
    ]));
    expect(report25.enforced).toContainEqual('network denied (no --allow-net): the app can neither open connections nor listen');
    expect(report25.notEnforced.some((line) => line.startsWith('network:'))).toBe(false);

    const bare = new Set(['--experimental-permission', '--allow-fs-read', '--allow-fs-write', '--allow-child-process']);
    const old = sandboxReport({}, bare);
    expect(old.enforced).toEqual(expect.arrayContaining(['file writes denied (no --allow-fs-write)', 'child processes denied (no --allow-child-process)']));
    expect(old.enforced.some((line) => line.startsWith('worker threads denied'))).toBe(false);
    expect(old.notEnforced).toEqual(expect.arrayContaining([
      expect.stringMatching(/^worker threads: Node \S+ has no --allow-worker, so its permission model may not gate them$/),
      expect.stringMatching(/^native addons: Node \S+ has no --allow-addons/),
    ]));
    expect(old.notEnforced).toContainEqual(expect.stringMatching(/^network: .* has no network permission \(--allow-net came in Node 25\)/));
  });

  it('on this Node (20, 22 and 24 alike) every gate the grader relies on is reported as enforced', () => {
    const report = sandboxReport();
    for (const gate of ['file writes', 'child processes', 'worker threads', 'native addons', 'WASI', 'the inspector']) {
      expect(report.enforced.some((line) => line.startsWith(`${gate} denied`)), gate).toBe(true);
    }
  });

  it('says when the permission model was off', () => {
    const report = sandboxReport({ sandbox: false, memoryMb: 128 });
    expect(report.notEnforced[0]).toMatch(/^the permission model is off/);
    expect(report.enforced.some((line) => /^Node .* permission model/.test(line) || line.startsWith('file writes denied'))).toBe(false);
    expect(report.enforced).toContain('each app runs in its own child process with a 128 MB JavaScript heap (--max-old-space-size)');
  });
});

describe('childFlags', () => {
  it('uses the permission flag this Node knows, and grants reads only', () => {
    expect(permissionFlag()).toBe(major >= 23 || (major === 22 && Number(process.versions.node.split('.')[1]) >= 13) ? '--permission' : '--experimental-permission');
    const flags = childFlags({ sandbox: true, readPaths: ['/a/runtime.mjs', '/b'], memoryMb: 64 });
    expect(flags).toContain('--max-old-space-size=64');
    expect(flags).toContain('--allow-fs-read=/a/runtime.mjs');
    expect(flags).toContain('--allow-fs-read=/b');
    expect(flags.filter((flag) => /^--allow-(fs-write|child-process|worker|addons|wasi)/.test(flag))).toEqual([]);
  });

  it('adds no permission flags without the sandbox', () => {
    expect(childFlags({ sandbox: false, readPaths: ['/b'], memoryMb: 256 }).filter((flag) => /permission|allow/.test(flag))).toEqual([]);
  });
});
