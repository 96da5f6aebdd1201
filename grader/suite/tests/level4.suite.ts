/**
 * Level 4 (starter/README.md, "Level 4"): state that survives the server.
 * These tests run on `prefork` only: several worker processes, each with its
 * own instance of the app, and consecutive requests reach different workers.
 * What one request created, the next must see, whichever worker answers it —
 * which an app keeping its to-dos in a module-level Map cannot do.
 *
 * The database persists between tests (it is the point), so each test checks
 * what it created itself, never that a list is exactly this or that.
 */
import type { Detail, Reply, TestContext, TestSpec, WorkerAnswer } from '../define.ts';
import { defineSuite } from '../define.ts';
import { createTodo, expectTodoArray, type TodoJson } from './helpers.ts';

const RULE = 'Statelessness (REST): no request may rely on state kept in the process that answered an earlier one — that is what lets any server in a cluster answer any request';
const HINT =
  "Keep the to-dos in a database every process shares: when environ['todo.database'] names a file, open it with node:sqlite (process.getBuiltinModule('node:sqlite')) and store them there; keep the in-memory store for when it is absent. See the statement's Level 4.";

/** node:sqlite is built into Node 22.13+ and 24; without it a submission could not keep the state anywhere the grader allows. */
const NO_SQLITE = process.getBuiltinModule('node:sqlite') === undefined
  ? `level 4 needs node:sqlite, which Node 22.13+ has; this is Node ${process.version}`
  : undefined;

function spec(id: string, title: string, points: number): TestSpec {
  return { id: `l4.state.${id}`, title, tier: '4', points, rule: RULE, hint: HINT, servers: ['prefork'], ...(NO_SQLITE === undefined ? {} : { skip: NO_SQLITE }) };
}

function who(answer: WorkerAnswer | undefined): string {
  if (answer === undefined) return 'a worker';
  return answer.pid === undefined ? `worker ${answer.worker}` : `worker ${answer.worker} (pid ${answer.pid})`;
}

/**
 * The words that teach why it failed: which worker answered request `made`
 * (counted from 1 in this test) and which answered request `seen`.
 */
async function across(t: TestContext, made: number, seen: number, what: string): Promise<Detail> {
  const answers = await t.answeredBy();
  const maker = answers[made - 1];
  const seer = answers[seen - 1];
  const same = maker !== undefined && seer !== undefined && maker.worker === seer.worker;
  const where = same
    ? `Both requests ${made} and ${seen} were answered by ${who(maker)}.`
    : `Request ${made} was answered by ${who(maker)}, request ${seen} by ${who(seer)}: two processes, each with its own copy of the app's variables.`;
  return { why: `${where} ${what} ${RULE}.` };
}

/** GET /todos/<id>, which must give back `todo`; request `made` of the test created it. */
async function expectSeen(t: TestContext, todo: TodoJson, made: number): Promise<void> {
  const reply = await t.request('GET', `/todos/${todo.id}`);
  const seen = t.requestCount();
  if (reply.status !== 200) {
    t.fail({
      message: `GET /todos/${todo.id} answered ${reply.status}, but request ${made} created that to-do`,
      expected: `status 200 and ${JSON.stringify({ id: todo.id, title: todo.title, done: todo.done })}`,
      actual: `status ${reply.status}`,
      ...(await across(t, made, seen, 'A to-do kept in one process’s memory does not exist for the others.')),
      hint: HINT,
    });
  }
  const body = t.expectJson(reply) as TodoJson;
  t.expectEqual({ id: body.id, title: body.title, done: body.done }, { id: todo.id, title: todo.title, done: todo.done }, `the to-do GET /todos/${todo.id} gives back`, {
    ...(await across(t, made, seen, 'Every worker must give back the same to-do.')),
  });
}

async function list(t: TestContext): Promise<{ reply: Reply; items: TodoJson[] }> {
  const reply = await t.request('GET', '/todos');
  t.expectStatus(reply, 200);
  return { reply, items: expectTodoArray(t, reply, 'GET /todos') };
}

export default defineSuite('level 4', (s) => {
  s.group('state that survives the server', () => {
    s.test(spec('create-then-read', 'A to-do created on one worker can be read on every worker', 3), async (t) => {
      const todo = await createTodo(t, { title: 'Buy milk' });
      const made = t.requestCount();
      // Round robin: with two or more workers, some of these reach another worker than the one that created it.
      for (let i = 0; i < 3; i++) await expectSeen(t, todo, made);
    });

    s.test(spec('list', 'GET /todos lists every to-do, whichever worker created it and whichever answers', 3), async (t) => {
      const created: Array<{ todo: TodoJson; at: number }> = [];
      for (const title of ['Buy milk', 'Walk the dog', 'Water the plants']) {
        created.push({ todo: await createTodo(t, { title }), at: t.requestCount() });
      }
      for (let i = 0; i < 3; i++) {
        const { items } = await list(t);
        const seen = t.requestCount();
        const missing = created.find(({ todo }) => !items.some((item) => item.id === todo.id && item.title === todo.title));
        if (missing !== undefined) {
          t.fail({
            message: `GET /todos (request ${seen}) does not list "${missing.todo.title}" (id ${missing.todo.id}), created by request ${missing.at}`,
            expected: `every to-do this test created: ids ${created.map(({ todo }) => todo.id).join(', ')}`,
            actual: `ids ${items.map((item) => item.id).join(', ') || 'none'}`,
            ...(await across(t, missing.at, seen, 'Each process lists only what it kept itself.')),
            hint: HINT,
          });
        }
      }
    });

    s.test(spec('delete', 'A to-do deleted on one worker is gone on every worker', 3), async (t) => {
      const todo = await createTodo(t, { title: 'Buy milk' });
      const reply = await t.request('DELETE', `/todos/${todo.id}`);
      const deleted = t.requestCount();
      t.expectStatus(reply, [200, 204], await across(t, 1, deleted, 'The DELETE must find the to-do whichever worker answers it.'));
      for (let i = 0; i < 3; i++) {
        const again = await t.request('GET', `/todos/${todo.id}`);
        if (again.status !== 404) {
          t.fail({
            message: `GET /todos/${todo.id} answered ${again.status} after request ${deleted} deleted that to-do`,
            expected: 'status 404',
            actual: `status ${again.status}`,
            ...(await across(t, deleted, t.requestCount(), 'A delete done in one process’s memory leaves the copies in the others.')),
            hint: HINT,
          });
        }
      }
    });

    s.test(spec('ids-unique', 'Ids stay unique across workers and are never reused, even after a delete', 3), async (t) => {
      const created: Array<{ todo: TodoJson; at: number }> = [];
      for (let i = 1; i <= 4; i++) created.push({ todo: await createTodo(t, { title: `Task ${i}` }), at: t.requestCount() });
      const last = created[created.length - 1]!;
      await t.request('DELETE', `/todos/${last.todo.id}`);
      created.push({ todo: await createTodo(t, { title: 'Task 5' }), at: t.requestCount() });
      for (let i = 0; i < created.length; i++) {
        const twin = created.findIndex((other, j) => j < i && other.todo.id === created[i]!.todo.id);
        if (twin === -1) continue;
        const first = created[twin]!;
        const again = created[i]!;
        t.fail({
          message: `requests ${first.at} and ${again.at} both created a to-do with id ${again.todo.id}`,
          expected: 'a new id for every to-do, never one handed out before (even to a deleted to-do)',
          actual: `ids ${created.map(({ todo }) => todo.id).join(', ')}`,
          ...(await across(t, first.at, again.at, 'Each process counts ids on its own.')),
          hint: `${HINT} Let the database assign the ids (INTEGER PRIMARY KEY AUTOINCREMENT never reuses one).`,
        });
      }
    });

    s.test(spec('survives-restart', 'To-dos survive a worker restart', 3), async (t) => {
      const first = await createTodo(t, { title: 'Buy milk' });
      const second = await createTodo(t, { title: 'Walk the dog' });
      // Restart every worker that answered, so no process that served the creates is left.
      const answers = await t.answeredBy();
      const restarted = new Set<number>();
      for (const answer of answers) {
        if (answer === undefined || restarted.has(answer.worker)) continue;
        await t.restartWorker(answer.worker);
        restarted.add(answer.worker);
      }
      for (const [todo, made] of [[first, 1], [second, 2]] as const) {
        const reply = await t.request('GET', `/todos/${todo.id}`);
        if (reply.status !== 200) {
          t.fail({
            message: `GET /todos/${todo.id} answered ${reply.status} after the worker${restarted.size === 1 ? '' : 's'} that created it restarted`,
            expected: 'status 200: the to-do outlives the process that created it',
            actual: `status ${reply.status}`,
            why: `Request ${made} created the to-do; then the grader restarted ${[...restarted].map((w) => `worker ${w}`).join(' and ')}, as a real server does after a crash, a deploy or gunicorn's max_requests. A process’s memory ends with it. ${RULE}.`,
            hint: HINT,
          });
        }
      }
    });
  });
});
