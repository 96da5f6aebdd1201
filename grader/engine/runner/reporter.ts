/**
 * The vitest reporter of the runner process: it prints nothing (the grader's
 * own reports replace vitest's output) and forwards each finished test module
 * — one submission — with the results the worker left in task.meta.
 */
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import type { CaseReport, ModuleReport } from '../protocol.ts';

function caseReport(test: TestCase): CaseReport {
  const result = test.result();
  return {
    name: test.name,
    state: result.state,
    errors: (result.errors ?? []).map((error) => error.message),
  };
}

export function moduleReport(module: TestModule): ModuleReport {
  const taskMeta = module.meta();
  const meta = taskMeta.todoWsgiModule;
  // Forwarded to the grader, which keeps it: this process need not (a class's transcripts add up).
  delete taskMeta.todoWsgiModule;
  return {
    file: module.moduleId,
    ...(meta === undefined ? {} : { meta }),
    cases: [...module.children.allTests()].map(caseReport),
    errors: module.errors().map((error) => ({ name: error.name ?? 'Error', message: error.message })),
  };
}

export class ForwardingReporter implements Reporter {
  private readonly forward: (report: ModuleReport) => void;

  constructor(forward: (report: ModuleReport) => void) {
    this.forward = forward;
  }

  onTestModuleEnd(module: TestModule): void {
    this.forward(moduleReport(module));
  }
}
