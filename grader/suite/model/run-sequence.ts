/**
 * Play a sequence of operations against an app, step by step with the
 * model, and stop at the first answer the model disagrees with.
 */
import type { Reply } from '../define.ts';
import { compare, type Mismatch } from './compare.ts';
import { TodoModel } from './model.ts';
import type { ConcreteRequest, Operation } from './operations.ts';

/** Sends one request to the app under test. */
export type Send = (request: ConcreteRequest) => Promise<Reply>;

export interface SequenceFailure {
  /** 1-based: the request whose answer differs is the step-th sent. */
  step: number;
  request: ConcreteRequest;
  mismatch: Mismatch;
}

const LIST: Operation = { kind: 'list' };

/**
 * The operations a run sends: the sequence, then GET /todos, so every run
 * ends by comparing the whole collection (a state gone wrong shows even when
 * the sequence itself never listed).
 */
export function withFinalList(ops: readonly Operation[]): Operation[] {
  return ops.at(-1)?.kind === 'list' ? [...ops] : [...ops, LIST];
}

/** Run `ops` on a fresh app; undefined when every answer is what the model expects. */
export async function runSequence(ops: readonly Operation[], send: Send): Promise<SequenceFailure | undefined> {
  const model = new TodoModel();
  const all = withFinalList(ops);
  for (const [index, op] of all.entries()) {
    const step = model.plan(op);
    const reply = await send(step.request);
    const verdict = compare(step.expect, reply, step.request);
    if (!verdict.ok) return { step: index + 1, request: step.request, mismatch: verdict.mismatch };
    model.apply(step.expect, verdict.createdId);
  }
  return undefined;
}
