/** Reading a workflow file's steps as the tests run them. */

/** The `run: |` block of the step with the given id, unindented: what the runner hands to bash. */
export function runBlock(workflow: string, stepId: string): string {
  const lines = workflow.split('\n');
  const start = lines.findIndex((l) => l.trim() === `id: ${stepId}`);
  const run = lines.findIndex((l, i) => i > start && l.trim() === 'run: |');
  const body: string[] = [];
  const indent = (lines[run + 1] ?? '').search(/\S/);
  for (const line of lines.slice(run + 1)) {
    if (line.trim() !== '' && line.search(/\S/) < indent) break;
    body.push(line.slice(indent));
  }
  return body.join('\n');
}
