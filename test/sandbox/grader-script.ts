/**
 * A stand-in for the grader's process, for lifecycle.test.ts: starts one app
 * process, prints its pid, then exits ("exit") or waits to be killed ("wait").
 */
import { startAppProcess } from '../../grader/sandbox/app-process.ts';
import { prepareSubmission } from '../../grader/sandbox/prepare.ts';

const [source, workDir, mode] = process.argv.slice(2);
const prepared = await prepareSubmission(source!, workDir!);
if (!prepared.ok) throw new Error(prepared.loadError);
const app = await startAppProcess({ bundlePath: prepared.bundlePath, sourceDir: prepared.sourceDir, server: 'simple', validate: true });
process.stdout.write(`${app.pid}\n`);
if (mode === 'exit') process.exit(0);
setInterval(() => {}, 60_000);
