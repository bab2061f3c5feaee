// One entry point for the parse step: the format decides the reader. Each reader checks the file
// (size, emptiness, content vs. announced format) before parsing.

import { FileValidationError, ignoreWarnings, type FileFormat, type ReaderLimits, type SourceRow, type WarnFn } from '../types';
import { readCsv } from './csv';
import { readJson } from './json';
import { readXlsx } from './xlsx';
import { readOds, readXls } from './sheetjs';
import { readXml } from './xml';
import { readYaml } from './yaml';
import { open } from 'node:fs/promises';
import { looksLikeUtf16 } from './encoding';

/**
 * The JSON Pointer (RFC 6901) of the file's course list: "/courses" when the file is an object (the JSON reader
 * reads its "courses" array), "" when it is the array itself. The first non-blank character of the first bytes
 * tells (UTF-8, single-byte encodings and UTF-16 alike; the reader has checked the file before its first row).
 */
async function jsonListPointer(filePath: string): Promise<string> {
  const handle = await open(filePath, 'r');
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const bytes = head.subarray(0, bytesRead);
    const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : looksLikeUtf16(bytes);
    const text = utf16 ? new TextDecoder(utf16).decode(bytes.subarray(0, bytes.length & ~1)) : bytes.toString('latin1');
    return text.replace(/^(\uFEFF|\u00EF\u00BB\u00BF)/, '').trimStart().startsWith('{') ? '/courses' : '';
  } finally {
    await handle.close();
  }
}

/** JSON rows with their SourceRow.path ("/courses/2" or "/2"): the JSON reader numbers rows from the array index. */
async function* withJsonPaths(filePath: string, rows: AsyncIterable<SourceRow>): AsyncGenerator<SourceRow> {
  let list: string | undefined;
  for await (const row of rows) {
    list ??= await jsonListPointer(filePath);
    row.path = `${list}/${row.rowNumber - 1}`;
    yield row;
  }
}

/** The rows of a file, by its format; file-level warnings go to `warn`. Throws FileValidationError (file-level). */
export function readRows(format: FileFormat, filePath: string, limits: ReaderLimits, warn: WarnFn = ignoreWarnings): AsyncIterable<SourceRow> {
  switch (format) {
    case 'csv':
      return readCsv(filePath, limits, warn);
    case 'json':
      return withJsonPaths(filePath, readJson(filePath, limits, warn));
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
    default:
      // The format comes from the database at run time; refuse anything the type doesn't know.
      throw new FileValidationError('unknown_format', `unknown file format: ${String(format satisfies never)}`);
  }
}

export { readCsv, readJson, readXlsx, readXls, readOds, readXml, readYaml };
export { checkFormatMatchesContent, formatFromFileName, ACCEPTED_EXTENSIONS } from './detect';
