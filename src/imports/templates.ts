// The example files of the "Templates" download: the same sample courses as src/domain/templates.ts, in
// CSV, JSON, Excel (.xlsx), OpenDocument (.ods), XML or YAML. Each of them imports cleanly as it is (test/integration/imports-templates.test.ts).
import { PassThrough } from 'node:stream';
import * as XLSX from '@e965/xlsx';
import { sampleCourses, toJson, TEMPLATE_KINDS, type TemplateKind } from '../domain/templates';
import { writeXlsx, xlsxCellValue } from '../export/xlsx-writer';
import { toXml, toYaml } from '../domain/course-writers';
import { localizedCsv } from './csv-template';
import type { Language } from '../i18n/languages';

export const TEMPLATE_FORMATS = ['csv', 'json', 'xlsx', 'ods', 'xml', 'yaml'] as const;
export type TemplateFormat = (typeof TEMPLATE_FORMATS)[number];
export { TEMPLATE_KINDS, type TemplateKind };

const CONTENT_TYPES: Record<TemplateFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  xml: 'application/xml; charset=utf-8',
  yaml: 'application/yaml; charset=utf-8',
};

export interface TemplateFile {
  fileName: string;
  contentType: string;
  body: Buffer;
}

export function isTemplateKind(v: unknown): v is TemplateKind {
  return typeof v === 'string' && (TEMPLATE_KINDS as readonly string[]).includes(v);
}

export function isTemplateFormat(v: unknown): v is TemplateFormat {
  return typeof v === 'string' && (TEMPLATE_FORMATS as readonly string[]).includes(v);
}

/** A spreadsheet cell holds one value: lessons as "a;b;c" (or JSON when they carry content), tags as "a,b". */
function spreadsheetCell(column: string, v: unknown): unknown {
  if (!Array.isArray(v)) return v;
  if (column === 'lessons' && v.some((l) => typeof l === 'object' && l !== null)) return JSON.stringify(v);
  return v.map((x) => String(x ?? '')).join(column === 'lessons' ? ';' : ',');
}

async function toXlsx(rows: Record<string, unknown>[]): Promise<Buffer> {
  const header = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    out.on('end', resolve);
    out.on('error', reject);
  });
  await writeXlsx(out, { name: 'Courses', header, rows: rows.map((r) => header.map((h) => spreadsheetCell(h, r[h]))) });
  await ended;
  return Buffer.concat(chunks);
}

/**
 * The same sheet as toXlsx, as an OpenDocument spreadsheet written by SheetJS: a template is a few rows, so
 * building the workbook in memory costs nothing (the course export, which streams, stays .xlsx only).
 */
function toOds(rows: Record<string, unknown>[]): Buffer {
  const header = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const aoa = [header, ...rows.map((r) => header.map((h) => xlsxCellValue(spreadsheetCell(h, r[h]))))];
  const workbook = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(workbook, XLSX.utils.aoa_to_sheet(aoa), 'Courses');
  return XLSX.write(workbook, { bookType: 'ods', type: 'buffer' }) as Buffer;
}

/** `language`: the reader's; a French CSV opens in French Excel as columns (src/imports/csv-template.ts). */
export async function buildTemplate(kind: TemplateKind, format: TemplateFormat, language: Language = 'en'): Promise<TemplateFile> {
  const rows = sampleCourses(kind);
  const body = format === 'csv' ? Buffer.from(localizedCsv(rows, language), 'utf8')
    : format === 'json' ? Buffer.from(toJson(rows), 'utf8')
    : format === 'ods' ? toOds(rows)
    : format === 'xml' ? Buffer.from(toXml(rows), 'utf8')
    : format === 'yaml' ? Buffer.from(toYaml(rows), 'utf8')
    : await toXlsx(rows);
  return { fileName: `courses-${kind.replace('_', '-')}-template.${format}`, contentType: CONTENT_TYPES[format], body };
}
