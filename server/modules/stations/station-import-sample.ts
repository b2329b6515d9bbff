/**
 * The `sample` column of a station import (a CSV column or GeoJSON property): which stations are the quick count's
 * sample, marked yes/no, 1/0, true/false or x/blank, as spreadsheets and commission files write it. Not a station field:
 * the marked stations become the ballot's sample (the import service hands their codes on), so a station list drawn up
 * with its PVT sample needs no second file.
 */

/** Where problems go: the import's ProblemList (kept structural so the row collector may hold the marks). */
interface ProblemList {
  add(row: number, field: string, problem: string, severity?: 'error', kind?: string): void;
  readonly isEmpty: boolean;
}

/** Names the column goes by when the mapping does not name it, compared after lower-casing and dropping spaces. */
const SAMPLE_COLUMN_NAMES = ['sample', 'pvt', 'quickcountsample'];
const MARKED = new Set(['yes', 'y', '1', 'true', 'x']);
const UNMARKED = new Set(['no', 'n', '0', 'false', '']);

const normalize = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');

export class SampleMarks {
  /** The column or property the marks are read from; null when the file has none. */
  column: string | null = null;
  /** 1-based data rows marked as sample. */
  readonly lines = new Set<number>();

  /** `choice`: the mapping's column for `sample`, null for "none", undefined to look for the usual names. */
  constructor(private readonly choice: string | null | undefined) {}

  /** Finds the column among the file's names; a mapped column the file lacks is a problem. Returns its index. */
  resolve(names: readonly string[], problems: ProblemList, noun: 'column' | 'property'): number | null {
    if (this.choice === null) return null;
    const index =
      this.choice === undefined
        ? names.findIndex((name) => SAMPLE_COLUMN_NAMES.includes(normalize(name)))
        : names.findIndex((name) => name.trim().toLowerCase() === this.choice!.trim().toLowerCase());
    if (index < 0) {
      if (this.choice !== undefined)
        problems.add(
          0,
          this.choice,
          `is mapped to sample but the file has no such ${noun} (found: ${names.map((n) => `"${n}"`).join(', ')})`,
          'error',
          'mapping names a missing column',
        );
      return null;
    }
    this.column = names[index]!;
    return index;
  }

  /** Reads one row's mark; a value that is no mark is an error naming the row and column. */
  mark(row: number, value: unknown, problems: ProblemList): void {
    if (this.column === null) return;
    const text = value === undefined || value === null ? '' : String(value).trim().toLowerCase();
    if (MARKED.has(text)) this.lines.add(row);
    else if (!UNMARKED.has(text))
      problems.add(
        row,
        this.column,
        `must be yes/no, 1/0, true/false, or x or blank (found "${String(value)}")`,
        'error',
        'sample: must be yes/no, 1/0, true/false, or x or blank',
      );
  }

  /** A sample column that marks nothing is a mistake (the wrong column mapped, marks lost in an export). */
  finish(problems: ProblemList): void {
    if (this.column !== null && this.lines.size === 0 && problems.isEmpty)
      problems.add(
        0,
        this.column,
        'marks no station as sample: mark them with yes, 1, true or x, or leave the column out (map sample to null)',
      );
  }
}
