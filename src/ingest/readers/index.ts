// One entry point for the parse step: the format decides the reader. Each reader checks the file
// (size, emptiness, content vs. announced format) before parsing.

import { FileValidationError, ignoreWarnings, type FileFormat, type ReaderLimits, type SourceRow, type WarnFn } from '../../domain/types';
import { readCsv } from './csv';
import { readJson } from './json';
import { readXlsx } from './xlsx';
import { readOds, readXls } from './sheetjs';
import { readXml } from './xml';
import { readYaml } from './yaml';
import { readImscc } from './imscc';
import { withLmsLayout } from './lms-csv';

/** The rows of a file, by its format; file-level warnings go to `warn`. Throws FileValidationError (file-level). */
export function readRows(format: FileFormat, filePath: string, limits: ReaderLimits, warn: WarnFn = ignoreWarnings): AsyncIterable<SourceRow> {
  switch (format) {
    case 'csv':
      // Moodle / Canvas course lists are CSV files read with a built-in layout (lms-csv.ts).
      return withLmsLayout(readCsv(filePath, limits, warn), warn);
    case 'json':
      return readJson(filePath, limits, warn);
    case 'xlsx':
      return readXlsx(filePath, limits, warn);
    case 'xls':
      return readXls(filePath, limits, warn);
    case 'ods':
      return readOds(filePath, limits, warn);
    case 'xml':
      return readXml(filePath, limits, warn);
    case 'yaml':
      return readYaml(filePath, limits, warn);
    case 'imscc':
      return readImscc(filePath, limits, warn);
    default:
      // The format comes from the database at run time; refuse anything the type doesn't know.
      throw new FileValidationError('unknown_format', `unknown file format: ${String(format satisfies never)}`, { context: 'format', format: String(format) });
  }
}

export { readCsv, readJson, readXlsx, readXls, readOds, readXml, readYaml, readImscc };
export { checkFormatMatchesContent, formatFromFileName, ACCEPTED_EXTENSIONS } from './detect';
