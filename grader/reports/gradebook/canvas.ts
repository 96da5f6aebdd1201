/**
 * Canvas's gradebook import CSV (Canvas Instructor Guide, "How do I import
 * grades in the Gradebook?"; the columns are those of Canvas's own gradebook
 * export, which the guide tells instructors to start from: Student, ID,
 * SIS User ID, SIS Login ID, Section, then one column per assignment named
 * "Assignment name (assignment id)"; Canvas matches a student by ID, or SIS
 * user id, or SIS login id, and the assignment by its id in parentheses, or
 * else by name, creating an assignment whose name it does not know). The
 * row after the header whose Student cell is "Points Possible" gives the
 * assignment's points, as in an export.
 */
import { csvRow, guardFormula } from '../csv.ts';
import { points as pointsText } from '../shared.ts';
import type { RosterMatch } from './roster.ts';
import { gradeOf } from './roster.ts';

export const CANVAS_COLUMNS = ['Student', 'ID', 'SIS User ID', 'SIS Login ID', 'Section'] as const;

export interface GradebookOptions {
  /** The assignment column: "Exercise 1 (4321)" matches Canvas's assignment 4321; a bare name matches by name. */
  assignment: string;
  /** Points possible: grades are each submission's share of its maximum, times this. */
  points: number;
}

export function renderCanvas(match: RosterMatch, options: GradebookOptions): string {
  const rows = [
    [...CANVAS_COLUMNS, guardFormula(options.assignment)],
    ['Points Possible', '', '', '', '', pointsText(options.points)],
    ...match.rows.map(({ student, submission }) => [
      guardFormula(student.name),
      guardFormula(student.id),
      guardFormula(student.sisUserId ?? ''),
      guardFormula(student.sisLoginId ?? ''),
      guardFormula(student.section ?? ''),
      pointsText(gradeOf(submission, options.points)),
    ]),
  ];
  return rows.map(csvRow).join('\r\n') + '\r\n';
}
