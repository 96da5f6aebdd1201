/**
 * Level 4's diagnosis: before a failure names in-memory state as its cause,
 * the evidence must say so. Which worker answered each request (prefork's
 * records, environ `prefork.worker`), whether the route answers at all, and
 * whether the worker that made a change sees it itself: only when the worker
 * that created (or deleted) a to-do sees the change and another worker does
 * not is "each process keeps its own copy" the finding. Level 4 uses only
 * the core tier's routes: create, list, delete.
 */
import type { Detail, TestContext, WorkerAnswer } from '../define.ts';
import { expectTodoArray, type TodoJson } from './helpers.ts';

export const RULE = 'Statelessness (REST): no request may rely on state kept in the process that answered an earlier one — that is what lets any server in a cluster answer any request';
export const HINT =
  "Keep the to-dos in a database every process shares: when environ['todo.database'] names a file, open it with node:sqlite (process.getBuiltinModule('node:sqlite')) and store them there; keep the in-memory store for when it is absent. See the statement's Level 4.";
/** The hint when the evidence says the change is lost in the very process that made it. */
const SAME_PROCESS_HINT = 'Make the core tier pass first (npm run grade -- --tier core): what POST /todos stores must be what GET /todos lists and DELETE /todos/<id> removes, in one process already.';

/** How many extra lists the diagnosis sends to reach a given worker (round robin over two workers reaches it within two). */
const PROBES = 4;

export function who(answer: WorkerAnswer | undefined): string {
  if (answer === undefined) return 'an unknown worker';
  return answer.pid === undefined ? `worker ${answer.worker}` : `worker ${answer.worker} (pid ${answer.pid})`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A listed to-do that matches `todo` (id, title and done). */
export function lists(items: readonly TodoJson[], todo: TodoJson): boolean {
  return items.some((item) => item.id === todo.id && item.title === todo.title && item.done === todo.done);
}

/**
 * GET /todos: 200 and an array of to-dos, or a failure saying the route
 * itself does not answer — not a matter of state. Returns the to-dos and
 * the request's number in the test.
 */
export async function listAll(t: TestContext): Promise<{ items: TodoJson[]; at: number }> {
  const reply = await t.request('GET', '/todos');
  const at = t.requestCount();
  if (reply.status !== 200) {
    t.fail({
      message: `GET /todos (request ${at}) answered ${reply.status}: the route does not work, whichever worker answers`,
      expected: 'status 200 and the JSON array of to-dos',
      actual: `status ${reply.status}`,
      why: 'Level 4 uses only the core tier\'s routes — POST /todos, GET /todos, DELETE /todos/<id> — so they must work before state can be shared.',
      hint: SAME_PROCESS_HINT,
    });
  }
  const detail: Detail = { why: 'GET /todos answers a JSON array of to-dos (core tier).', hint: SAME_PROCESS_HINT };
  return { items: expectTodoArray(t, reply, `the answer to GET /todos (request ${at})`, detail), at };
}

/** What the records say about two requests of the test (numbered from 1). */
async function workers(t: TestContext, first: number, second: number): Promise<[WorkerAnswer | undefined, WorkerAnswer | undefined]> {
  const answers = await t.answeredBy();
  return [answers[first - 1], answers[second - 1]];
}

/**
 * List until `worker` answers (at most PROBES more requests); its list, or
 * undefined when it never answered.
 */
async function listOn(t: TestContext, worker: number): Promise<{ items: TodoJson[]; at: number } | undefined> {
  for (let i = 0; i < PROBES; i++) {
    const listed = await listAll(t);
    const [answer] = await workers(t, listed.at, listed.at);
    if (answer?.worker === worker) return listed;
  }
  return undefined;
}

/**
 * Why a change made by request `made` is not seen by request `seen`: the
 * words for the failure, from the evidence. `seenByMaker(items)` says
 * whether a list shows the change (the to-do is there after a create, gone
 * after a delete).
 */
export async function diagnose(t: TestContext, made: number, seen: number, change: string, seenByMaker: (items: readonly TodoJson[]) => boolean): Promise<Detail> {
  const [maker, seer] = await workers(t, made, seen);
  if (maker === undefined || seer === undefined) {
    return {
      why: `The grader could not tell which worker answered request ${made === seen ? made : `${made} or ${seen}`} (no record of it). Request ${seen} does not show that ${change}.`,
      hint: `${SAME_PROCESS_HINT} Then: ${HINT}`,
    };
  }
  if (maker.worker === seer.worker) {
    return {
      why: `Requests ${made} and ${seen} were both answered by ${who(maker)}: the same process does not show that ${change}, so this is not about several processes.`,
      hint: SAME_PROCESS_HINT,
    };
  }
  const probe = await listOn(t, maker.worker);
  if (probe === undefined) {
    return {
      why: `Request ${made} was answered by ${who(maker)}, request ${seen} by ${who(seer)}, which does not show that ${change}; ${who(maker)} did not answer again to show whether it does.`,
      hint: HINT,
    };
  }
  if (!seenByMaker(probe.items)) {
    return {
      why: `Not even ${who(maker)}, which answered request ${made}, shows that ${change} (request ${probe.at}): the change is lost in the process that made it too, so this is not about several processes.`,
      hint: SAME_PROCESS_HINT,
    };
  }
  return {
    why: `${capitalized(who(maker))} answered request ${made} and still shows that ${change} (request ${probe.at}); ${who(seer)} answered request ${seen} and does not: two processes, each with its own copy of the app's variables. ${RULE}.`,
    hint: HINT,
  };
}
