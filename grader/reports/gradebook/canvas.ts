/**
 * Canvas's gradebook import CSV. Sources: Canvas Instructor Guide, "How do I
 * import grades in the Gradebook?", which starts from Canvas's own gradebook
 * export; its columns as Ohio State's Canvas guide ("Import a CSV file into
 * Carmen Grades", teaching.resources.osu.edu) restates them: Student name OR
 * Student ID OR SIS User ID (one of the three identifies the student), SIS
 * Login ID, Section, then one column per assignment, named
 * "Assignment name (assignment id)"; a name Canvas does not know creates a
 * new assignment. The export's second row, whose Student cell is
 * "Points Possible", gives the assignment's points.
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
