// Rosters and the Canvas and Moodle import files: read back with an independent CSV parser (csv-parse),
// with the columns each system's import needs; every student and every submission accounted for.
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CANVAS_COLUMNS, renderCanvas } from '../../grader/reports/gradebook/canvas.ts';
import { MOODLE_ID_COLUMNS, renderMoodle } from '../../grader/reports/gradebook/moodle.ts';
import { classMaximum, gradeOf, matchRoster, parseCsvRecords, parseRoster, RosterError, rosterLines } from '../../grader/reports/gradebook/roster.ts';
import { fullMarks, loadError, portability, sampleRun, starterLike } from './sample-run.ts';

const ROSTER = [
  'Submission,Name,ID,Email,SIS User ID,Section',
  'alice,"Liddell, Alice",101,alice@example.edu,S-1,A',
  'starter,Sam Starter,102,sam@example.edu,,B',
  'carol,=Carol,103,carol@example.edu,S-3,A',
  // No submission of this name: a missing student.
  'dave,Dave Absent,104,dave@example.edu,S-4,B',
].join('\r\n');

const run = sampleRun([fullMarks('alice'), starterLike('starter'), portability('carol'), loadError('mallory')]);

describe('parseRoster', () => {
  it('reads quoted names, optional columns, any header case and order, a BOM', () => {
    const students = parseRoster(`\uFEFF${ROSTER}\r\n`);
    expect(students).toHaveLength(4);
    expect(students[0]).toEqual({ submission: 'alice', name: 'Liddell, Alice', id: '101', email: 'alice@example.edu', sisUserId: 'S-1', section: 'A' });
    expect(students[1]).toEqual({ submission: 'starter', name: 'Sam Starter', id: '102', email: 'sam@example.edu', section: 'B' });
    expect(parseRoster('email,id,name,submission\nx@y.z,7,X,x\n')).toEqual([{ submission: 'x', name: 'X', id: '7', email: 'x@y.z' }]);
  });

  it('names the column that is missing, the row that is incomplete, the rows that clash', () => {
    expect(() => parseRoster('submission,name,id\nalice,Alice,1\n')).toThrow(new RosterError('no "email" column (the first line must name submission, name, id, email)'));
    expect(() => parseRoster('')).toThrow(/it is empty/);
    expect(() => parseRoster('submission,name,id,email\nalice,Alice,1,\n')).toThrow('row 2 has no email');
    expect(() => parseRoster('submission,name,id,email\na,A,1,a@x\nb,B,2,b@x\na,C,3,c@x\n')).toThrow('rows 2 and 4 both claim the submission "a"');
    expect(() => parseRoster('submission,name,id,email\n"a,A,1,a@x\n')).toThrow('a quoted field is never closed');
  });

  it('splits records as RFC 4180 does', () => {
    expect(parseCsvRecords('a,"b ""q"", c","multi\nline"\r\n\r\nx,,\n')).toEqual([['a', 'b "q", c', 'multi\nline'], ['x', '', '']]);
  });
});

describe('matchRoster', () => {
  it('lists a missing student and a submission nobody on the roster owns, by name', () => {
    const match = matchRoster(run, parseRoster(ROSTER));
    expect(match.missing.map((s) => s.submission)).toEqual(['dave']);
    expect(match.unknown.map((s) => s.name)).toEqual(['mallory']);
    expect(match.rows.map((r) => [r.student.submission, r.submission?.name])).toEqual([
      ['alice', 'alice'], ['starter', 'starter'], ['carol', 'carol'], ['dave', undefined],
    ]);
    const lines = rosterLines(match).join('\n');
    expect(lines).toContain('Roster: 3 of 4 students have a submission.');
    expect(lines).toContain('No submission (graded 0): Dave Absent <dave@example.edu> (expected "dave")');
    expect(lines).toContain('Not on the roster (left out of the gradebook): mallory');
  });

  it('scales a grade to the assignment\'s points', () => {
    const carol = portability('carol');
    expect(gradeOf(carol, 100)).toBeCloseTo((carol.score / carol.maxScore) * 100, 2);
    expect(gradeOf(fullMarks(), 10)).toBe(10);
    expect(gradeOf(undefined, 10)).toBe(0);
    expect(classMaximum(run)).toBe(14);
  });
});

describe('renderCanvas', () => {
  const match = matchRoster(run, parseRoster(ROSTER));
  const text = renderCanvas(match, { assignment: 'Exercise 1 (4321)', points: 20 });
  const records = parse(text, { columns: true }) as Array<Record<string, string>>;

  it('has the columns of Canvas\'s gradebook import, the assignment last, and a Points Possible row', () => {
    expect(Object.keys(records[0]!)).toEqual([...CANVAS_COLUMNS, 'Exercise 1 (4321)']);
    expect(records[0]).toMatchObject({ Student: 'Points Possible', 'Exercise 1 (4321)': '20' });
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('has one row per roster student, scaled grades, 0 for the missing one, nobody off the roster', () => {
    const students = records.slice(1);
    expect(students.map((r) => r.ID)).toEqual(['101', '102', '103', '104']);
    expect(students[0]).toEqual({ Student: 'Liddell, Alice', ID: '101', 'SIS User ID': 'S-1', 'SIS Login ID': '', Section: 'A', 'Exercise 1 (4321)': '20' });
    expect(students[1]!['Exercise 1 (4321)']).toBe('0');
    expect(Number(students[2]!['Exercise 1 (4321)'])).toBeCloseTo(gradeOf(portability('carol'), 20), 2);
    expect(students[3]!['Exercise 1 (4321)']).toBe('0');
    expect(text).not.toContain('mallory');
    // A spreadsheet would run "=Carol" as a formula.
    expect(students[2]!.Student).toBe("'=Carol");
  });
});

describe('renderMoodle', () => {
  it('has an identifier column Moodle maps users by, the grade item, feedback; grades as numbers', () => {
    const match = matchRoster(run, parseRoster(ROSTER));
    const records = parse(renderMoodle(match, { assignment: 'todo-wsgi', points: 10 }), { columns: true }) as Array<Record<string, string>>;
    expect(Object.keys(records[0]!)).toEqual([...MOODLE_ID_COLUMNS, 'todo-wsgi', 'Feedback']);
    expect(records.map((r) => r['Email address'])).toEqual(['alice@example.edu', 'sam@example.edu', 'carol@example.edu', 'dave@example.edu']);
    expect(records.map((r) => r['ID number'])).toEqual(['101', '102', '103', '104']);
    for (const r of records) expect(r['todo-wsgi']).toMatch(/^\d+(\.\d+)?$/);
    expect(records[0]!['todo-wsgi']).toBe('10');
    expect(records[3]!.Feedback).toBe('No submission was found.');
    expect(records[1]!.Feedback).toMatch(/^0 \/ 14 on the grader; \d+ tests failing\.$/);
  });
});
