/**
 * The whole GradeRun as pretty JSON, for tools and archives. The engine
 * already caps bodies and output; this enforces a cap on the file as a whole
 * too, so one runaway submission (or a huge class) cannot make it
 * unreadable. It shrinks in steps that keep every submission, test and
 * outcome: cut long strings harder and harder, then keep only the last
 * exchanges of long transcripts (the failing one is the last), then drop the
 * indentation. What was done is recorded in a top-level "truncation" key.
 */
import type { GradeRun, ServerOutcome } from '../results/types.ts';
import { byteLength, capStrings } from './cap.ts';

export interface JsonOptions {
  /** Cap on the whole document, in bytes. Default 16 MiB. */
  maxBytes?: number;
  /** Cap on any one string before the total is considered. Default 64 KiB. */
  maxStringBytes?: number;
}

/** How the document was shrunk to fit, when it was. */
export interface JsonTruncation {
  stringBytes: number;
  /** Transcripts were cut to their last N exchanges. */
  transcriptsKeptLast?: number;
  /** Indentation dropped. */
  compact?: boolean;
}

const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
const DEFAULT_MAX_STRING = 64 * 1024;
/** Below this a string stops being useful. */
const MIN_STRING = 256;
const TRANSCRIPT_STEPS = [5, 1];

function withTranscripts(run: GradeRun, keepLast: number): GradeRun {
  const trim = (o: ServerOutcome | undefined): ServerOutcome | undefined =>
    o && o.transcript.length > keepLast ? { ...o, transcript: o.transcript.slice(-keepLast) } : o;
  return {
    ...run,
    submissions: run.submissions.map((sub) => ({
      ...sub,
      // Every server's outcome, prefork's included.
      tests: sub.tests.map((t) => ({ ...t, outcomes: Object.fromEntries(Object.entries(t.outcomes).map(([server, o]) => [server, trim(o)])) })),
    })),
  };
}

function serialise(run: GradeRun, t: JsonTruncation | undefined, compact: boolean): string {
  const capped = capStrings(run, t?.stringBytes ?? Number.POSITIVE_INFINITY);
  const doc = t ? { ...capped, truncation: t } : capped;
  return compact ? JSON.stringify(doc) : JSON.stringify(doc, null, 2);
}

export function renderJson(run: GradeRun, options: JsonOptions = {}): string {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let stringBytes = options.maxStringBytes ?? DEFAULT_MAX_STRING;
  // The per-string cap always applies; "truncation" is only recorded for the total cap.
  let text = JSON.stringify(capStrings(run, stringBytes), null, 2);
  const fits = (): boolean => byteLength(text) <= maxBytes;

  let current = run;
  const t: JsonTruncation = { stringBytes };
  while (!fits() && stringBytes > MIN_STRING) {
    stringBytes = Math.max(MIN_STRING, Math.floor(stringBytes / 4));
    t.stringBytes = stringBytes;
    text = serialise(current, t, false);
  }
  for (const keep of TRANSCRIPT_STEPS) {
    if (fits()) break;
    current = withTranscripts(run, keep);
    t.transcriptsKeptLast = keep;
    text = serialise(current, t, false);
  }
  if (!fits()) {
    t.compact = true;
    text = serialise(current, t, true);
  }
  return `${text}\n`;
}
