/**
 * Random operations, weighted towards the bugs students write: non-ASCII,
 * quoted and very long titles, deletes in the middle, failed POSTs between
 * good ones, wrong methods and paths. fast-check only draws them from the
 * seed; a failing sequence is shrunk by shrink.ts, which knows what a
 * plainer step is.
 */
import fc from 'fast-check';
import { MALFORMED_FORMS, UNKNOWN_PATHS, UNKNOWN_PATH_METHODS, WRONG_ON_COLLECTION, WRONG_ON_ITEM, type CreateBody, type IdRef, type Operation } from './operations.ts';

/** Characters of the mixed titles: ASCII, 2-, 3- and 4-byte UTF-8, characters JSON escapes, whitespace. */
const TITLE_CHARACTERS = ['a', 'b', 'Z', '7', ' ', 'é', 'ß', '€', '☕', '🎉', '"', '\\', '/', "'", '<', '&', '\n', '\t'];
const PLAIN_TITLES = ['Buy milk', 'Walk the dog', 'Write the report', 'x'];
/** Units of a very long title: ASCII, 2-byte, 4-byte, and characters JSON escapes. */
const LONG_UNITS = ['x', 'é', 'ab ', '🎉', '"\\'];
/** At most 1500 units: a few KiB of title. */
const LONG_REPEAT = 1500;

const plainTitle = fc.constantFrom(...PLAIN_TITLES);
const mixedTitle = fc.string({ unit: fc.constantFrom(...TITLE_CHARACTERS), minLength: 1, maxLength: 12 });
// noBias: lengths spread evenly, so most long titles are KiB-long.
const longTitle = fc
  .tuple(fc.constantFrom(...LONG_UNITS), fc.noBias(fc.integer({ min: 1, max: LONG_REPEAT })))
  .map(([unit, times]) => unit.repeat(times));
/** Empty or only whitespace: a 400. */
const blankTitle = fc.string({ unit: fc.constantFrom(' ', '\t', '\n'), maxLength: 4 });

export const titleArbitrary: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: plainTitle, weight: 4 },
  { arbitrary: mixedTitle, weight: 5 },
  { arbitrary: longTitle, weight: 1 },
  { arbitrary: blankTitle, weight: 1 },
);

/** A title of the wrong type: a 400. */
const wrongTitle = fc.constantFrom<unknown>(42, null, true, ['Buy milk'], { text: 'Buy milk' });
/** done: absent (undefined), true, false, or of the wrong type (a 400). */
const doneArbitrary = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 4 },
  { arbitrary: fc.boolean(), weight: 4 },
  { arbitrary: fc.constantFrom<unknown>('true', 'false', 1, 0, null, []), weight: 1 },
);
/** Members the app must ignore; "id" must not override the server's id. */
const extraArbitrary = fc.oneof(
  { arbitrary: fc.constant({}), weight: 6 },
  { arbitrary: fc.constantFrom<Record<string, unknown>>({ color: 'red' }, { id: 1 }, { id: 0 }, { priority: 2, owner: 'me' }), weight: 1 },
);

const objectBody = fc
  .record({
    // undefined: no title member at all.
    title: fc.option(fc.oneof({ arbitrary: titleArbitrary, weight: 12 }, { arbitrary: wrongTitle, weight: 1 }), { nil: undefined, freq: 20 }),
    done: doneArbitrary,
    extra: extraArbitrary,
  })
  .map(({ title, done, extra }): CreateBody => ({
    kind: 'json',
    // JSON.stringify leaves out members whose value is undefined.
    value: { title, done, ...extra },
  }));

const notAnObject = fc.constantFrom<unknown>([], ['Buy milk'], 'Buy milk', null, 42, true).map((value): CreateBody => ({ kind: 'json', value }));
const brokenJson = fc
  .constantFrom('{"title": "Buy milk"', "{'title': 'Buy milk'}", '{"title": "Buy milk",}', '{"title": "Buy milk"}}', 'title=Buy+milk', '{"title": Buy milk}', '{')
  .map((text): CreateBody => ({ kind: 'text', text }));

export const createBodyArbitrary: fc.Arbitrary<CreateBody> = fc.oneof(
  { arbitrary: objectBody, weight: 16 },
  { arbitrary: notAnObject, weight: 1 },
  { arbitrary: brokenJson, weight: 1 },
  { arbitrary: fc.constant<CreateBody>({ kind: 'empty' }), weight: 1 },
  { arbitrary: fc.constant<CreateBody>({ kind: 'no-length' }), weight: 1 },
);

const pick = fc.nat(7);
const idRef: fc.Arbitrary<IdRef> = fc.oneof(
  { arbitrary: pick.map((p): IdRef => ({ kind: 'live', pick: p })), weight: 8 },
  { arbitrary: pick.map((p): IdRef => ({ kind: 'deleted', pick: p })), weight: 2 },
  { arbitrary: fc.constantFrom(0, 1, 99, 100_000).map((offset): IdRef => ({ kind: 'unused', offset })), weight: 1 },
);

const wrongMethod = fc.oneof(
  fc.record({ on: fc.constant('collection' as const), method: fc.constantFrom(...WRONG_ON_COLLECTION), pick, body: fc.boolean() }),
  fc.record({ on: fc.constant('item' as const), method: fc.constantFrom(...WRONG_ON_ITEM), pick, body: fc.boolean() }),
);

export const operationArbitrary: fc.Arbitrary<Operation> = fc.oneof(
  { arbitrary: fc.constant<Operation>({ kind: 'list' }), weight: 4 },
  { arbitrary: createBodyArbitrary.map((body): Operation => ({ kind: 'create', body })), weight: 16 },
  { arbitrary: idRef.map((id): Operation => ({ kind: 'delete', id })), weight: 10 },
  { arbitrary: fc.record({ pick, form: fc.constantFrom(...MALFORMED_FORMS) }).map((op): Operation => ({ kind: 'delete-malformed', ...op })), weight: 2 },
  { arbitrary: wrongMethod.map((op): Operation => ({ kind: 'wrong-method', ...op })), weight: 2 },
  {
    arbitrary: fc.record({ method: fc.constantFrom(...UNKNOWN_PATH_METHODS), path: fc.constantFrom(...UNKNOWN_PATHS) }).map((op): Operation => ({ kind: 'unknown-path', ...op })),
    weight: 3,
  },
);

/** A request sequence of at most `maxCommands` operations. */
export function sequenceArbitrary(maxCommands: number): fc.Arbitrary<Operation[]> {
  // size 'max': lengths spread evenly up to maxCommands (the default favours short arrays).
  return fc.array(operationArbitrary, { maxLength: maxCommands, size: 'max' });
}
