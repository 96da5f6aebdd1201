/**
 * Moodle's grade import from a CSV file (Moodle Docs, "Grade import": the
 * first line names the columns; on the import form the teacher maps one
 * column to identify each user — "Email address", "ID number", "Username"
 * or "User ID", as grade/import/csv/classes/load_data.php
 * map_user_data_with_value() accepts useremail, useridnumber, username,
 * userid — and maps each grade column to a grade item, or to a new one;
 * a column can also be mapped to that item's feedback). Grades are numbers
 * with a dot; the grade item's maximum must be at least --points.
 */
import type { SubmissionResult } from '../../results/types.ts';
import { csvRow, guardFormula } from '../csv.ts';
import { points as pointsText, statusLine } from '../shared.ts';
import type { GradebookOptions } from './canvas.ts';
import type { RosterMatch } from './roster.ts';
import { gradeOf } from './roster.ts';

export const MOODLE_ID_COLUMNS = ['Email address', 'ID number', 'Full name'] as const;

function feedback(sub: SubmissionResult | undefined): string {
  if (sub === undefined) return 'No submission was found.';
  const failing = sub.tests.filter((t) => Object.values(t.outcomes).some((o) => o?.status === 'failed')).length;
  const tests = `${pointsText(sub.score)} / ${pointsText(sub.maxScore)} on the grader; ${failing} test${failing === 1 ? '' : 's'} failing.`;
  const problem = statusLine(sub);
  return problem === undefined ? tests : `${problem}. ${tests}`;
}

export function renderMoodle(match: RosterMatch, options: GradebookOptions): string {
  const rows = [
    [...MOODLE_ID_COLUMNS, guardFormula(options.assignment), 'Feedback'],
    ...match.rows.map(({ student, submission }) => [
      guardFormula(student.email),
      guardFormula(student.id),
      guardFormula(student.name),
      pointsText(gradeOf(submission, options.points)),
      guardFormula(feedback(submission)),
    ]),
  ];
  return rows.map(csvRow).join('\r\n') + '\r\n';
}
