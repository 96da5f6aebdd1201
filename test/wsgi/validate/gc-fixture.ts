/**
 * Run by close.test.ts as `node --expose-gc --import tsx gc-fixture.ts`:
 * a server that drops a response iterable without finishing or closing it.
 * Prints one JSON line: what wsgi.errors received and the code the next call threw.
 */
import type { Application } from '../../../grader/wsgi/types.ts';
import { isWsgiViolation } from '../../../grader/wsgi/violation.ts';
import { validate } from '../../../grader/wsgi/validate/index.ts';
import { TEXT, encode, makeEnviron } from './fake-server.ts';

const collect = (globalThis as { gc?: () => void }).gc;
const app: Application = function* (_environ, startResponse) {
  startResponse('200 OK', TEXT);
  yield encode('one');
  yield encode('two');
};
const validated = validate(app);
const { environ, errors } = makeEnviron();

function dropAfterOneItem(): void {
  const body = validated(environ, () => () => {});
  body[Symbol.iterator]().next();
}

dropAfterOneItem();
let code: string | undefined;
for (let attempt = 0; attempt < 50 && code === undefined && collect; attempt++) {
  collect();
  await new Promise((resolve) => setTimeout(resolve, 10));
  if (!errors.text.includes('iterable-not-closed')) continue;
  try {
    validated(makeEnviron().environ, () => () => {});
    code = 'none';
  } catch (error) {
    code = isWsgiViolation(error) ? error.code : String(error);
  }
}
process.stdout.write(`${JSON.stringify({ gc: collect !== undefined, errors: errors.text, code })}\n`);
