// Small generators of hostile files (issue 16, "poison input"): each is built in memory by the test that
// uses it, a few KB to a few MB, never committed. Shared by the unit tests of the readers and the
// integration test through the real workflow.

import { buildZip } from '../unit/helpers/zip';

const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** A minimal .xlsx (ECMA-376): one sheet whose cells all reference the shared strings table. */
export function xlsxWithSharedStrings(shared: readonly string[], rows: readonly (readonly number[])[]): Buffer {
  const sst = `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${shared.length}" uniqueCount="${shared.length}">${shared.map((s) => `<si><t>${escapeXml(s)}</t></si>`).join('')}</sst>`;
  const sheetRows = rows.map((cells, r) => `<row r="${r + 1}">${cells.map((i) => `<c t="s"><v>${i}</v></c>`).join('')}</row>`).join('');
  const sheet = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${sheetRows}</sheetData></worksheet>`;
  return buildZip([
    { name: '[Content_Types].xml', data: Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>') },
    { name: '_rels/.rels', data: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`) },
    { name: 'xl/workbook.xml', data: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${REL}"><sheets><sheet name="Cours" sheetId="1" r:id="rId1"/></sheets></workbook>`) },
    { name: 'xl/_rels/workbook.xml.rels', data: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`) },
    { name: 'xl/sharedStrings.xml', data: Buffer.from(sst) },
    { name: 'xl/worksheets/sheet1.xml', data: Buffer.from(sheet) },
  ]);
}

/**
 * The shared-strings bomb: a few KB compressed, one text of `longChars` characters referenced by every cell
 * of `rows` rows × `columns` columns (as a whole, gigabytes of text once the rows are built), after one
 * ordinary course in row 2.
 */
export function sharedStringsBomb(rows = 40, columns = 200, longChars = 900_000): Buffer {
  const names = Array.from({ length: columns }, (_, i) => (i === 0 ? 'title' : i === 1 ? 'price' : `c${i}`));
  const shared = [...names, 'x'.repeat(longChars), 'A fine course', '0'];
  const long = names.length;
  const header = names.map((_, i) => i);
  const fine = [long + 1, long + 2];
  const bomb = names.map(() => long);
  return xlsxWithSharedStrings(shared, [header, fine, ...Array.from({ length: rows }, () => bomb)]);
}

/** A JSON file of one array nested `levels` deep: a few MB for millions of levels. */
export function deeplyNestedJson(levels = 2_000_000): Buffer {
  return Buffer.concat([Buffer.from('['.repeat(levels)), Buffer.from(']'.repeat(levels))]);
}

/** A JSON catalogue whose second course carries a value nested `levels` deep (a few KB). */
export function courseWithDeepValue(levels = 5000): string {
  return `[{"title":"Shallow course","price":0},{"title":"Deep course","price":0,"tags":${'['.repeat(levels)}"x"${']'.repeat(levels)}}]`;
}

/**
 * A UTF-8 CSV with more than 64 KB of ordinary rows, then a row whose description holds NUL bytes (past the
 * encoding detection's sample).
 */
export function csvWithLateNul(fillerRows = 1200): Buffer {
  const lines = ['title,description,price'];
  for (let i = 0; i < fillerRows; i++) lines.push(`Filler course ${i},A description long enough to fill the first sixty-four KB,0`);
  lines.push('Course with NUL,Bad\u0000bytes\u0000here,0');
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

/** A JSON catalogue with escapes PostgreSQL cannot store: \u0000 and a lone surrogate (in a key too). */
export function jsonWithUnstorableText(): string {
  return '[{"title":"Nul\\u0000title","price":0,"description":"lone \\ud800 surrogate"},{"title":"Key course","price":0,"col\\u0000umn":"v"}]';
}

/** A JSON catalogue with one course over the row size bound and one with a value over the value bound. */
export function jsonWithOversizedRows(valueChars = 150_000, rowFields = 15, fieldChars = 90_000): string {
  const wide: Record<string, unknown> = { title: 'Too wide', price: 0 };
  for (let i = 0; i < rowFields; i++) wide[`extra${i}`] = 'w'.repeat(fieldChars);
  return JSON.stringify([
    { title: 'Fits', price: 0 },
    { title: 'Too long', price: 0, description: 'd'.repeat(valueChars) },
    wide,
  ]);
}

/** An .ods whose few KB expand to `rows` × `columns` cells with a value (repeated rows and columns). */
export function repeatedCellsOds(rows = 1_000_000, columns = 1000): Buffer {
  const content = `<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="Cours"><table:table-row><table:table-cell office:value-type="string"><text:p>title</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="${rows}"><table:table-cell office:value-type="string" table:number-columns-repeated="${columns}"><text:p>x</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>`;
  return buildZip([
    { name: 'mimetype', data: Buffer.from('application/vnd.oasis.opendocument.spreadsheet') },
    { name: 'META-INF/manifest.xml', data: Buffer.from('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>') },
    { name: 'content.xml', data: Buffer.from(content) },
  ]);
}
