/**
 * Level 4 (starter/README.md, "Level 4"): state that survives the server.
 * These tests run on `prefork` only: several worker processes, each with its
 * own instance of the app, and consecutive requests reach different workers.
 * What one request created, the next must see, whichever worker answers it —
 * which an app keeping its to-dos in a module-level Map cannot do.
 *
 * They use only the core tier's routes, as the statement's Level 4 names
 * them: create (POST /todos), list (GET /todos), delete (DELETE /todos/<id>),
 * ids never reused. A failure names in-memory state as the cause only when
 * the evidence says so (level4-evidence.ts).
 *
 * The database persists between tests (it is the point), so each test checks
 * what it created itself, never that a list is exactly this or that.
 */
import type { TestContext, TestSpec } from '../define.ts';
import { defineSuite } from '../define.ts';
import { createTodo, type TodoJson } from './helpers.ts';
import { diagnose, HINT, listAll, lists, RULE, who } from './level4-evidence.ts';

/** node:sqlite is built into Node 22.13+ and 24; without it a submission could not keep the state anywhere the grader allows. */
const NO_SQLITE = process.getBuiltinModule('node:sqlite') === undefined
  ? `level 4 needs node:sqlite, which Node 22.13+ has; this is Node ${process.version}`
  : undefined;

function spec(id: string, title: string, points: number): TestSpec {
  return { id: `l4.state.${id}`, title, tier: '4', points, rule: RULE, hint: HINT, servers: ['prefork'], ...(NO_SQLITE === undefined ? {} : { skip: NO_SQLITE }) };
}

interface Made {
  todo: TodoJson;
  /** The request of the test that created it (from 1). */
  at: number;
}

async function create(t: TestContext, title: string, done = false): Promise<Made> {
  return { todo: await createTodo(t, { title, done }), at: t.requestCount() };
}

const fields = (todo: TodoJson): string => JSON.stringify({ id: todo.id, title: todo.title, done: todo.done });

/** List `times` times (round robin: every worker answers some); each list must show every to-do of `made`, as created. */
async function expectListed(t: TestContext, made: readonly Made[], times: number, after = ''): Promise<void> {
  for (let i = 0; i < times; i++) {
    const { items, at } = await listAll(t);
    const missing = made.find(({ todo }) => !lists(items, todo));
    if (missing === undefined) continue;
    const listed = items.map((item) => fields(item)).join(', ') || 'nothing';
    const message = `GET /todos (request ${at}) does not list ${fields(missing.todo)}, created by request ${missing.at}${after}`;
    t.fail({
      message,
      expected: `every to-do this test created, as created: ${made.map(({ todo }) => fields(todo)).join(', ')}`,
      actual: `request ${at} listed ${listed.length > 300 ? `${listed.slice(0, 300)}…` : listed}`,
      ...(await diagnose(t, missing.at, at, `request ${missing.at} created ${fields(missing.todo)}`, (seen) => lists(seen, missing.todo))),
    });
  }
}

export default defineSuite('level 4', (s) => {
  s.group('state that survives the server', () => {
    s.test(spec('create-then-read', 'A to-do created on one worker is listed, as created, by every worker', 3), async (t) => {
      const made = await create(t, 'Buy milk', true);
      await expectListed(t, [made], 3);
    });

    s.test(spec('list', 'GET /todos lists every to-do, whichever worker created it and whichever answers', 3), async (t) => {
      const made: Made[] = [];
      for (const title of ['Buy milk', 'Walk the dog', 'Water the plants']) made.push(await create(t, title));
      await expectListed(t, made, 3);
    });

    s.test(spec('delete', 'A to-do deleted on one worker is gone on every worker', 3), async (t) => {
      const made = await create(t, 'Buy milk');
      const reply = await t.request('DELETE', `/todos/${made.todo.id}`);
      const deleted = t.requestCount();
      if (reply.status === 405) {
        t.fail({
          message: `DELETE /todos/${made.todo.id} answered 405: the route does not support DELETE, whichever worker answers`,
          expected: 'status 204', actual: 'status 405',
          why: 'Level 4 uses only the core tier\'s routes; DELETE /todos/<id> is one of them.',
          hint: 'Make the core tests core.delete.* pass first.',
        });
      }
      if (reply.status !== 204 && reply.status !== 200) {
        t.fail({
          message: `DELETE /todos/${made.todo.id} (request ${deleted}) answered ${reply.status}, but request ${made.at} created that to-do`,
          expected: 'status 204', actual: `status ${reply.status}`,
          ...(await diagnose(t, made.at, deleted, `request ${made.at} created ${fields(made.todo)}`, (seen) => lists(seen, made.todo))),
        });
      }
      for (let i = 0; i < 3; i++) {
        const { items, at } = await listAll(t);
        if (!items.some((item) => item.id === made.todo.id)) continue;
        t.fail({
          message: `GET /todos (request ${at}) still lists to-do ${made.todo.id}, which request ${deleted} deleted`,
          expected: `no to-do with id ${made.todo.id}`, actual: `it is listed: ${fields(items.find((item) => item.id === made.todo.id)!)}`,
          ...(await diagnose(t, deleted, at, `request ${deleted} deleted to-do ${made.todo.id}`, (seen) => !seen.some((item) => item.id === made.todo.id))),
        });
      }
      // The second DELETE of a to-do answers 404 (core), on whichever worker it reaches.
      const again = await t.request('DELETE', `/todos/${made.todo.id}`);
      if (again.status !== 404) {
        const at = t.requestCount();
        t.fail({
          message: `a second DELETE /todos/${made.todo.id} (request ${at}) answered ${again.status}, but request ${deleted} deleted that to-do`,
          expected: 'status 404', actual: `status ${again.status}`,
          ...(await diagnose(t, deleted, at, `request ${deleted} deleted to-do ${made.todo.id}`, (seen) => !seen.some((item) => item.id === made.todo.id))),
        });
      }
    });

    s.test(spec('ids-unique', 'Ids stay unique across workers and are never reused, even after a delete', 3), async (t) => {
      const made: Made[] = [];
      for (let i = 1; i <= 4; i++) made.push(await create(t, `Task ${i}`));
      const last = made[made.length - 1]!;
      await t.request('DELETE', `/todos/${last.todo.id}`);
      made.push(await create(t, 'Task 5'));
      const answers = await t.answeredBy();
      for (let i = 0; i < made.length; i++) {
        const twin = made.findIndex((other, j) => j < i && other.todo.id === made[i]!.todo.id);
        if (twin === -1) continue;
        const first = made[twin]!;
        const again = made[i]!;
        const [a, b] = [answers[first.at - 1], answers[again.at - 1]];
        const evidence = a !== undefined && b !== undefined && a.worker !== b.worker
          ? { why: `Request ${first.at} was answered by ${who(a)}, request ${again.at} by ${who(b)}: each process counts ids on its own. ${RULE}.`, hint: `${HINT} Let the database assign the ids (INTEGER PRIMARY KEY AUTOINCREMENT never reuses one).` }
          : { why: `Both requests were answered by ${who(a)}: one process gave the id out twice, so this is not about several processes — ids are never reused, not even a deleted to-do's.`, hint: 'Keep a counter that only grows (or INTEGER PRIMARY KEY AUTOINCREMENT); never derive the next id from the number of to-dos.' };
        t.fail({
          message: `requests ${first.at} and ${again.at} both created a to-do with id ${again.todo.id}`,
          expected: 'a new id for every to-do, never one handed out before (even to a deleted to-do)',
          actual: `ids ${made.map(({ todo }) => todo.id).join(', ')}`,
          ...evidence,
        });
      }
    });

    s.test(spec('survives-restart', 'To-dos survive a worker restart', 3), async (t) => {
      const made = [await create(t, 'Buy milk'), await create(t, 'Walk the dog')];
      // Seen before the restart, so a loss after it is the restart's doing.
      await expectListed(t, made, 2);
      // Restart every worker that answered, so no process that served the requests so far is left.
      const restarted = new Set<number>();
      for (const answer of await t.answeredBy()) {
        if (answer === undefined || restarted.has(answer.worker)) continue;
        await t.restartWorker(answer.worker);
        restarted.add(answer.worker);
      }
      const workers = [...restarted].map((worker) => `worker ${worker}`).join(' and ');
      for (let i = 0; i < 2; i++) {
        const { items, at } = await listAll(t);
        const lost = made.find(({ todo }) => !lists(items, todo));
        if (lost === undefined) continue;
        t.fail({
          message: `GET /todos (request ${at}) does not list ${fields(lost.todo)} after ${workers} restarted`,
          expected: 'every to-do this test created: they outlive the processes that created them',
          actual: items.map((item) => fields(item)).join(', ') || 'nothing',
          why: `Request ${lost.at} created the to-do and GET /todos listed it before the grader restarted ${workers}, as a real server does after a crash, a deploy or gunicorn's max_requests; the new processes do not have it. A process's memory ends with it. ${RULE}.`,
          hint: HINT,
        });
      }
    });
  });
});
