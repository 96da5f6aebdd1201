/**
 * The error a failing assertion throws: it carries the structured Failure a
 * student reads, so the engine never has to parse an error message.
 */
import type { Failure } from '../../results/types.ts';

export class GradeFailure extends Error {
  override readonly name = 'GradeFailure';
  readonly failure: Failure;

  constructor(failure: Failure) {
    super(failure.message);
    this.failure = failure;
  }
}

export function isGradeFailure(error: unknown): error is GradeFailure {
  return error instanceof Error && error.name === 'GradeFailure' && typeof (error as GradeFailure).failure === 'object';
}
