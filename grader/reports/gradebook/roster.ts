/**
 * `--roster roster.csv`: who each submission belongs to. One row per
 * student: the submission's name (its folder or file name, as the reports
 * show it), the student's name, LMS id and e-mail; optionally a Canvas SIS
 * user id, SIS login id and section. Matching goes both ways: a submission
 * nobody on the roster owns, and a student with no submission, are both
 * listed, never dropped.
 */
import type { GradeRun, SubmissionResult } from '../../results/types.ts';
import { round2 } from '../shared.ts';

export interface Student {
  submission: string;
  name: string;
  id: string;
  email: string;
  sisUserId?: string;
  sisLoginId?: string;
  section?: string;
}

export const REQUIRED_COLUMNS = ['submission', 'name', 'id', 'email'] as const;
const OPTIONAL_COLUMNS = { sis_user_id: 'sisUserId', sis_login_id: 'sisLoginId', section: 'section' } as const;

/** A roster that cannot be used; the message is one line naming the file, the row or the column. */
export class RosterError extends Error {
  override readonly name = 'RosterError';
}

/** RFC 4180 records: quoted fields with doubled quotes, CRLF or LF, a UTF-8 BOM ignored. */
export function parseCsvRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') { record.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  if (quoted) throw new RosterError('a quoted field is never closed');
  if (field !== '' || record.length > 0) records.push([...record, field]);
  // Blank lines (a lone empty field) carry nothing.
  return records.filter((r) => !(r.length === 1 && r[0]!.trim() === ''));
}

const columnKey = (header: string): string => header.trim().toLowerCase().replace(/[\s-]+/g, '_');

export function parseRoster(text: string): Student[] {
  const [header, ...rows] = parseCsvRecords(text);
  if (header === undefined) throw new RosterError(`it is empty (the first line names the columns: ${REQUIRED_COLUMNS.join(', ')})`);
  const keys = header.map(columnKey);
  for (const column of REQUIRED_COLUMNS) {
    if (!keys.includes(column)) throw new RosterError(`no "${column}" column (the first line must name ${REQUIRED_COLUMNS.join(', ')})`);
  }
  const at = (row: string[], key: string): string => (row[keys.indexOf(key)] ?? '').trim();
  const students: Student[] = [];
  const seen = new Map<string, number>();
  rows.forEach((row, index) => {
    const line = index + 2;
    const student: Student = { submission: at(row, 'submission'), name: at(row, 'name'), id: at(row, 'id'), email: at(row, 'email') };
    for (const column of REQUIRED_COLUMNS) {
      if (student[column] === '') throw new RosterError(`row ${line} has no ${column}`);
    }
    for (const [column, field] of Object.entries(OPTIONAL_COLUMNS)) {
      const value = keys.includes(column) ? at(row, column) : '';
      if (value !== '') student[field] = value;
    }
    const earlier = seen.get(student.submission);
    if (earlier !== undefined) throw new RosterError(`rows ${earlier} and ${line} both claim the submission "${student.submission}"`);
    seen.set(student.submission, line);
    students.push(student);
  });
  return students;
}

export interface RosterMatch {
  /** Every student on the roster, in roster order, with their submission when there is one. */
  rows: Array<{ student: Student; submission?: SubmissionResult }>;
  /** Submissions no roster row names: they cannot go in a gradebook. */
  unknown: SubmissionResult[];
  /** Students with no submission. */
  missing: Student[];
}

export function matchRoster(run: GradeRun, roster: readonly Student[]): RosterMatch {
  const byName = new Map(run.submissions.map((sub) => [sub.name, sub]));
  const claimed = new Set<string>();
  const rows = roster.map((student) => {
    const submission = byName.get(student.submission);
    if (submission !== undefined) claimed.add(submission.name);
    return submission === undefined ? { student } : { student, submission };
  });
  return {
    rows,
    unknown: run.submissions.filter((sub) => !claimed.has(sub.name)),
    missing: rows.filter((r) => r.submission === undefined).map((r) => r.student),
  };
}

/** The class's maximum: what "points possible" is without --points. */
export function classMaximum(run: GradeRun): number {
  return round2(Math.max(0, ...run.submissions.map((s) => s.maxScore)));
}

/** A submission's grade on the assignment's scale: its share of its maximum times `points`; no submission is 0. */
export function gradeOf(sub: SubmissionResult | undefined, points: number): number {
  if (sub === undefined || sub.maxScore <= 0) return 0;
  return round2((sub.score / sub.maxScore) * points);
}

/** One line per problem, for the terminal: unknown submissions and missing students, by name. */
export function rosterLines(match: RosterMatch): string[] {
  const lines = [`Roster: ${match.rows.length - match.missing.length} of ${match.rows.length} students have a submission.`];
  if (match.missing.length > 0) {
    lines.push(`  No submission (graded 0): ${match.missing.map((s) => `${s.name} <${s.email}> (expected "${s.submission}")`).join('; ')}`);
  }
  if (match.unknown.length > 0) {
    lines.push(`  Not on the roster (left out of the gradebook): ${match.unknown.map((s) => s.name).join(', ')}`);
  }
  return lines;
}
