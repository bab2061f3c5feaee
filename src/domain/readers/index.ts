// One entry point for the parse step: the format decides the reader. Each reader checks the file
// (size, emptiness, content vs. announced format) before parsing.

import { FileValidationError, type FileFormat, type ReaderLimits, type SourceRow } from '../types';
import { readCsv } from './csv';
import { readJson } from './json';
import { readXlsx } from './xlsx';

export function readRows(format: FileFormat, filePath: string, limits: ReaderLimits): AsyncIterable<SourceRow> {
  switch (format) {
    case 'csv':
      return readCsv(filePath, limits);
    case 'json':
      return readJson(filePath, limits);
    case 'xlsx':
      return readXlsx(filePath, limits);
    default:
      // The format comes from the database at run time; refuse anything the type doesn't know.
      throw new FileValidationError('unknown_format', `unknown file format: ${String(format satisfies never)}`);
  }
}

export { readCsv, readJson, readXlsx };
export { checkFormatMatchesContent, formatFromFileName, ACCEPTED_EXTENSIONS } from './detect';
