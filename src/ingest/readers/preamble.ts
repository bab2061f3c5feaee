// Lines that some producers write above a CSV header, which are no part of the table:
//
// - `sep=X`: Excel's delimiter hint (Excel for Windows and Mac read it, honour X as the delimiter and do not
//   show the line; LibreOffice and many scripts write it so that Excel opens the file right). Also seen
//   quoted, `"sep=;"`. Obeyed and skipped without a warning: it is an instruction, read as Excel reads it,
//   and warning on every such file would teach users to ignore warnings.
// - `#TYPE System.Management.Automation.PSCustomObject`: Windows PowerShell 5's Export-Csv / ConvertTo-Csv
//   write the .NET type of the objects first unless -NoTypeInformation is given (PowerShell 6+ no longer
//   does). Skipped with the file warning 'type_line_skipped', since a line of the file is not read.
//
// At most one of each, in that order or the other, before the header.

import type { FileWarning } from '../../domain/types';

export interface Preamble {
  /** Characters of the decoded text (after a BOM) that precede the header: the reader drops them. */
  skipChars: number;
  /** Lines they span: the header is on line 1 + lines. */
  lines: number;
  /** The delimiter a `sep=` line gives. */
  delimiter?: string;
  warnings: FileWarning[];
}

// A spreadsheet that saved the line as a row pads it with delimiters ("sep=;;;;"): allowed.
const SEP_RE = /^"?sep=([^"\r\n])"?(?:\1|[ \t])*(?:\r\n|\r|\n|$)/i;
const TYPE_RE = /^#TYPE[ \t][^\r\n]*(?:\r\n|\r|\n|$)/;

/** The preamble lines at the start of `text` (decoded, without its BOM). Pure. */
export function readPreamble(text: string): Preamble {
  const result: Preamble = { skipChars: 0, lines: 0, warnings: [] };
  for (let i = 0; i < 2; i++) {
    const rest = text.slice(result.skipChars, result.skipChars + 1000);
    const sep = result.delimiter === undefined ? SEP_RE.exec(rest) : null;
    if (sep) {
      result.delimiter = sep[1]!;
      result.skipChars += sep[0].length;
      result.lines++;
      continue;
    }
    const type = result.warnings.length === 0 ? TYPE_RE.exec(rest) : null;
    if (type) {
      result.warnings.push({
        code: 'type_line_skipped',
        row: result.lines + 1,
        params: { line: result.lines + 1, text: type[0].trim().slice(0, 80) },
        message: `line ${result.lines + 1} ('${type[0].trim().slice(0, 80)}') is PowerShell's type information, not a header: skipped (Export-Csv -NoTypeInformation leaves it out)`,
      });
      result.skipChars += type[0].length;
      result.lines++;
      continue;
    }
    break;
  }
  return result;
}
