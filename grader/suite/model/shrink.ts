/**
 * Shrinking a failing request sequence to the few requests that matter.
 *
 * fast-check finds the failing sequence; shrinking it is done here, as
 * delta debugging over plain data: drop steps (halves, quarters, ... single
 * steps), then make each remaining step plainer (shorter title, no extra
 * members, the first to-do rather than the third), keeping every change
 * after which the app still fails, until nothing changes. Dropping any step
 * is always valid because operations name ids relative to the state (see
 * operations.ts). Measured on the model mutants, this reaches the minimal
 * sequence with far fewer replays than fast-check's generic array shrinker,
 * which spends most of its replays on the insides of steps that a removal
 * would have dropped.
 *
 * The budget is a count of requests, not a time: the same seed always gives
 * the same minimal sequence.
 */
import type { CreateBody, IdRef, Operation } from './operations.ts';
import { UNKNOWN_PATHS, UNKNOWN_PATH_METHODS, WRONG_ON_COLLECTION } from './operations.ts';
import type { SequenceFailure } from './run-sequence.ts';

/** Replays a candidate sequence on a fresh app; its failure, or undefined if it passes (or the budget is spent). */
export type Attempt = (ops: readonly Operation[]) => Promise<SequenceFailure | undefined>;

export interface Shrunk {
  ops: Operation[];
  failure: SequenceFailure;
  /** Candidate sequences replayed. */
  attempts: number;
  /** Changes kept. */
  shrinks: number;
}

/** Steps after the failing one are never sent: drop them. */
function upToFailure(ops: readonly Operation[], failure: SequenceFailure): Operation[] {
  return ops.slice(0, failure.step);
}

const PLAIN_TITLE = 'x';

/**
 * Plainer titles: "x" first, then halves, then each character left out
 * (short titles only). "x" and "" have none, and every other candidate is
 * shorter but not empty, so a title cannot go round in circles.
 */
function plainerTitles(title: string): string[] {
  if (title === PLAIN_TITLE || title === '') return [];
  const points = Array.from(title);
  const out = [PLAIN_TITLE];
  if (points.length > 1) {
    const half = Math.ceil(points.length / 2);
    out.push(points.slice(0, half).join(''), points.slice(half).join(''));
  }
  if (points.length <= 16) for (let i = 0; i < points.length; i++) out.push([...points.slice(0, i), ...points.slice(i + 1)].join(''));
  return [...new Set(out)].filter((candidate) => candidate !== title && candidate !== '');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function plainerBodies(body: CreateBody): CreateBody[] {
  if (body.kind === 'no-length') return [{ kind: 'empty' }];
  if (body.kind !== 'json' || !isObject(body.value)) return [];
  const { title, done, ...extra } = body.value;
  const hasTitle = Object.hasOwn(body.value, 'title');
  const core = { ...(hasTitle ? { title } : {}), ...(done === undefined ? {} : { done }) };
  const out: Array<Record<string, unknown>> = [];
  if (Object.keys(extra).length > 0) out.push(core);
  if (done !== undefined) out.push({ ...extra, ...(hasTitle ? { title } : {}) });
  if (hasTitle && typeof title !== 'string') out.push({ ...body.value, title: PLAIN_TITLE });
  if (typeof title === 'string') for (const shorter of plainerTitles(title)) out.push({ ...body.value, title: shorter });
  return out.map((value) => ({ kind: 'json', value }));
}

function plainerRefs(ref: IdRef): IdRef[] {
  if (ref.kind === 'unused') return ref.offset === 0 ? [] : [{ kind: 'unused', offset: 0 }];
  return ref.pick === 0 ? [] : [{ ...ref, pick: 0 }, { ...ref, pick: ref.pick - 1 }];
}

/** Plainer versions of one step, the plainest first; each is strictly plainer, so shrinking ends. */
export function plainerOperations(op: Operation): Operation[] {
  switch (op.kind) {
    case 'list':
      return [];
    case 'create':
      return plainerBodies(op.body).map((body) => ({ kind: 'create', body }));
    case 'delete':
      return plainerRefs(op.id).map((id) => ({ kind: 'delete', id }));
    case 'delete-malformed':
      return op.pick === 0 ? [] : [{ ...op, pick: 0 }];
    case 'wrong-method': {
      const out: Operation[] = [];
      if (op.body) out.push({ ...op, body: false });
      if (op.pick !== 0) out.push({ ...op, pick: 0 });
      if (op.on === 'collection' && op.method !== WRONG_ON_COLLECTION[0]) out.push({ ...op, method: WRONG_ON_COLLECTION[0] });
      return out;
    }
    case 'unknown-path': {
      const out: Operation[] = [];
      if (op.method !== UNKNOWN_PATH_METHODS[0]) out.push({ ...op, method: UNKNOWN_PATH_METHODS[0] });
      if (op.path !== UNKNOWN_PATHS[0]) out.push({ ...op, path: UNKNOWN_PATHS[0] });
      return out;
    }
  }
}

export async function shrinkSequence(ops: readonly Operation[], failure: SequenceFailure, attempt: Attempt): Promise<Shrunk> {
  let best = upToFailure(ops, failure);
  let bestFailure = failure;
  let attempts = 0;
  let shrinks = 0;

  const keepIfFailing = async (candidate: Operation[]): Promise<boolean> => {
    attempts += 1;
    const found = await attempt(candidate);
    if (found === undefined) return false;
    best = upToFailure(candidate, found);
    bestFailure = found;
    shrinks += 1;
    return true;
  };

  /** Drop runs of steps, halving their length down to single steps. */
  const dropSteps = async (): Promise<boolean> => {
    let changed = false;
    for (let size = Math.max(1, Math.ceil(best.length / 2)); ; size = Math.max(1, Math.ceil(size / 2))) {
      for (let start = 0; start < best.length; ) {
        const candidate = [...best.slice(0, start), ...best.slice(start + size)];
        if (candidate.length < best.length && (await keepIfFailing(candidate))) changed = true;
        else start += size;
      }
      if (size === 1) return changed;
    }
  };

  /** Make each step plainer, keeping the first plainer version that still fails. */
  const plainerSteps = async (): Promise<boolean> => {
    let changed = false;
    for (let index = 0; index < best.length; index++) {
      let again = true;
      while (again && index < best.length) {
        again = false;
        for (const simpler of plainerOperations(best[index]!)) {
          if (await keepIfFailing([...best.slice(0, index), simpler, ...best.slice(index + 1)])) {
            changed = true;
            again = true;
            break;
          }
        }
      }
    }
    return changed;
  };

  // Until a round changes nothing (or the attempt function stops finding failures: budget spent).
  for (let round = 0; round < 20; round++) {
    const dropped = await dropSteps();
    const simplified = await plainerSteps();
    if (!dropped && !simplified) break;
  }
  return { ops: best, failure: bestFailure, attempts, shrinks };
}
