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

  it('says plainly that the network is not restricted', () => {
    expect(sandboxReport().notEnforced.some((line) => line.startsWith('network:'))).toBe(true);
    expect(sandboxReport().enforced.some((line) => /network/i.test(line))).toBe(false);
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
