// Exports for learning management systems (issue 13):
// - IMS Common Cartridge 1.3 (or 1.1): one .imscc per course; a selection of several is a zip of cartridges.
//   The manifest's LOM metadata holds the title, description, language and keywords (the user's tags); each
//   lesson is an item of the organisation, in order, with its content as a "webcontent" HTML page and its video
//   as a web link (imswl_xmlv1p3). The fields CC has no place for travel in course-import/course.json (see
//   src/ingest/readers/imscc.ts), so that our cartridge imports back unchanged.
// - Moodle's "Upload courses" CSV (admin/tool/uploadcourse): shortname, fullname, category_path, idnumber,
//   summary, visible. shortname is how that tool recognises a course: the external id when there is one, else
//   the title. category_path uses " / " between category levels, as that tool does.
// - Canvas SIS Import courses.csv: course_id, short_name, long_name, account_id, term_id, status. course_id
//   (required by Canvas) is the external id; a course without one gets "course-import-<id>", read back as none.
// The CSV files are read back by the CSV reader: their headers are column synonyms (src/domain/fields.ts).

import JSZip from 'jszip';
import type { CourseRow } from '../db/course-queries';
import { DEFAULT_LANGUAGE } from '../i18n/languages';
import { neutralizeFormula } from '../domain/formula';

export type CartridgeVersion = '1.1' | '1.3';

/** Namespaces and resource types of each CC version (IMS CC 1.1 / 1.3 profiles, their schemaLocation hints). */
const CC = {
  '1.1': {
    schemaVersion: '1.1.0',
    cp: 'http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1',
    cpXsd: 'http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imscp_v1p2_v1p0.xsd',
    lom: 'http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest',
    lomXsd: 'http://www.imsglobal.org/profile/cc/ccv1p1/LOM/ccv1p1_lommanifest_v1p0.xsd',
    wl: 'http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1',
    wlType: 'imswl_xmlv1p1',
    appType: 'associatedcontent/imscc_xmlv1p1/learning-application-resource',
  },
  '1.3': {
    schemaVersion: '1.3.0',
    cp: 'http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1',
    cpXsd: 'http://www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_imscp_v1p2_v1p0.xsd',
    lom: 'http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest',
    lomXsd: 'http://www.imsglobal.org/profile/cc/ccv1p3/LOM/ccv1p3_lommanifest_v1p0.xsd',
    wl: 'http://www.imsglobal.org/xsd/imsccv1p3/imswl_v1p3',
    wlType: 'imswl_xmlv1p3',
    appType: 'associatedcontent/imscc_xmlv1p3/learning-application-resource',
  },
} as const;

/** XML / HTML text and attribute escaping (the five characters XML 1.0 §2.4 reserves). */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]!);
}

const pad = (n: number) => String(n).padStart(3, '0');

/** The HTML page of a lesson's content: the text escaped, its line breaks kept by white-space: pre-wrap. */
function lessonPage(title: string, content: string, language: string): string {
  return `<!DOCTYPE html>\n<html lang="${escapeXml(language)}">\n<head><meta charset="utf-8"><title>${escapeXml(title)}</title></head>\n` +
    `<body><div style="white-space: pre-wrap">${escapeXml(content)}</div></body>\n</html>\n`;
}

/**
 * Options of a cartridge: the CC version (1.3 by default), the language of the metadata (the product's default
 * language), and the course's user tags (export.ts userTagsOf, given by the caller; all stored tags by default).
 */
export interface CartridgeOptions {
  version?: CartridgeVersion;
  language?: string;
  tags?: (c: CourseRow) => string[];
}

/** The files of one course's cartridge: path → text. imsmanifest.xml first. */
export function cartridgeFiles(c: CourseRow, options: CartridgeOptions = {}): Map<string, string> {
  const v = CC[options.version ?? '1.3'];
  const language = options.language ?? DEFAULT_LANGUAGE;
  const files = new Map<string, string>();
  const items: string[] = [];
  const resources: string[] = [];
  c.lessons.forEach((l, i) => {
    const n = pad(i + 1);
    const children: string[] = [];
    if (l.content !== null && l.content !== '') {
      const href = `lessons/${n}.html`;
      files.set(href, lessonPage(l.title, l.content, language));
      children.push(`<item identifier="I_${n}_content" identifierref="R_${n}_content"><title>${escapeXml(l.title)}</title></item>`);
      resources.push(`<resource identifier="R_${n}_content" type="webcontent" href="${href}"><file href="${href}"/></resource>`);
    }
    if (l.video_url !== null && l.video_url !== '') {
      const href = `lessons/${n}-video.xml`;
      files.set(href, `<?xml version="1.0" encoding="UTF-8"?>\n<webLink xmlns="${v.wl}"><title>${escapeXml(l.title)}</title><url href="${escapeXml(l.video_url)}" target="_blank"/></webLink>\n`);
      children.push(`<item identifier="I_${n}_video" identifierref="R_${n}_video"><title>${escapeXml(l.title)}</title></item>`);
      resources.push(`<resource identifier="R_${n}_video" type="${v.wlType}"><file href="${href}"/></resource>`);
    }
    items.push(`<item identifier="I_${n}"><title>${escapeXml(l.title)}</title>${children.join('')}</item>`);
  });
  const extension = {
    generator: 'course-import',
    external_id: c.external_id,
    category: c.category,
    instructor: c.instructor,
    duration: c.duration_hours,
    difficulty: c.difficulty,
    learning_mode: c.learning_mode,
    price: c.price,
    is_free: c.is_free,
  };
  files.set('course-import/course.json', `${JSON.stringify(extension, null, 2)}\n`);
  resources.push(`<resource identifier="R_course_import" type="${v.appType}" href="course-import/course.json"><file href="course-import/course.json"/></resource>`);
  const langString = (s: string) => `<lomimscc:string language="${escapeXml(language)}">${escapeXml(s)}</lomimscc:string>`;
  const keywords = (options.tags ?? ((x: CourseRow) => x.tags))(c).map((t) => `<lomimscc:keyword>${langString(t)}</lomimscc:keyword>`).join('');
  const manifest = `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="course_${c.id}" xmlns="${v.cp}" xmlns:lomimscc="${v.lom}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="${v.cp} ${v.cpXsd} ${v.lom} ${v.lomXsd}">
  <metadata>
    <schema>IMS Common Cartridge</schema>
    <schemaversion>${v.schemaVersion}</schemaversion>
    <lomimscc:lom>
      <lomimscc:general>
        <lomimscc:title>${langString(c.title)}</lomimscc:title>
        <lomimscc:language>${escapeXml(language)}</lomimscc:language>
        ${c.description === '' ? '' : `<lomimscc:description>${langString(c.description)}</lomimscc:description>`}
        ${keywords}
      </lomimscc:general>
    </lomimscc:lom>
  </metadata>
  <organizations>${items.length === 0 ? '' : `
    <organization identifier="O_1" structure="rooted-hierarchy">
      <item identifier="I_root">
        ${items.join('\n        ')}
      </item>
    </organization>`}
  </organizations>
  <resources>
    ${resources.join('\n    ')}
  </resources>
</manifest>
`;
  return new Map([['imsmanifest.xml', manifest], ...files]);
}

/** One course's cartridge (.imscc, a zip with imsmanifest.xml at its top level), as bytes. */
export async function cartridgeZip(c: CourseRow, options: CartridgeOptions = {}): Promise<Buffer> {
  const zip = new JSZip();
  for (const [path, text] of cartridgeFiles(c, options)) zip.file(path, text);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 6 } });
}

/** A cartridge's file name inside a selection's zip: the title, made safe for every file system, and the id. */
export function cartridgeName(c: CourseRow): string {
  const slug = c.title.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60).toLowerCase();
  return `${slug || 'course'}-${c.id}.imscc`;
}

/** Columns of Moodle's "Upload courses" CSV written here (Moodle docs, "Upload courses": CSV file fields). */
export const MOODLE_COLUMNS = ['shortname', 'fullname', 'category_path', 'idnumber', 'summary', 'visible'] as const;

/** A course as a row of Moodle's "Upload courses" CSV. */
export function toMoodleRow(c: CourseRow): Record<(typeof MOODLE_COLUMNS)[number], string | number> {
  return {
    // Moodle caps shortname at 255 characters and uses it to find the course to update.
    shortname: (c.external_id ?? c.title).slice(0, 255),
    fullname: c.title,
    category_path: c.category ?? '',
    idnumber: c.external_id ?? '',
    summary: c.description,
    visible: c.is_active ? 1 : 0,
  };
}

/** Columns of Canvas's SIS Import courses.csv written here (Canvas SIS Import Format Documentation). */
export const CANVAS_COLUMNS = ['course_id', 'short_name', 'long_name', 'account_id', 'term_id', 'status'] as const;

/**
 * Prefix of the course_id given to a course that has no external id (Canvas requires one); the CSV reader
 * (readers/lms-csv.ts) reads such an id back as no external id, so the course is found by its title.
 */
export const CANVAS_GENERATED_ID_PREFIX = 'course-import-';

/** A course as a row of Canvas's courses.csv. */
export function toCanvasRow(c: CourseRow): Record<(typeof CANVAS_COLUMNS)[number], string> {
  return {
    course_id: c.external_id ?? `${CANVAS_GENERATED_ID_PREFIX}${c.id}`,
    short_name: c.title.slice(0, 255),
    long_name: c.title,
    account_id: '',
    term_id: '',
    // Canvas's course states are active, deleted, completed and published; an inactive course is "completed".
    status: c.is_active ? 'active' : 'completed',
  };
}

/** An RFC 4180 field: quoted when it holds a quote, a comma or a line break. */
function csvField(v: string | number): string {
  // Text that a spreadsheet would run as a formula gets an apostrophe (formula.ts); our CSV reader removes it.
  const text = typeof v === 'number' ? String(v) : neutralizeFormula(v);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Moodle or Canvas CSV (RFC 4180, CRLF, UTF-8) of a page of courses, starting with a BOM and the header line
 * when `first` (Moodle's upload tool and Canvas both accept a UTF-8 BOM).
 */
export function lmsCsv(kind: 'moodle' | 'canvas', courses: CourseRow[], first: boolean): string {
  const columns: readonly string[] = kind === 'moodle' ? MOODLE_COLUMNS : CANVAS_COLUMNS;
  const lines: string[] = first ? [columns.join(',')] : [];
  for (const c of courses) {
    const row: Record<string, string | number> = kind === 'moodle' ? toMoodleRow(c) : toCanvasRow(c);
    lines.push(columns.map((k) => csvField(row[k] ?? '')).join(','));
  }
  return `${first ? '\uFEFF' : ''}${lines.map((l) => `${l}\r\n`).join('')}`;
}

export const LMS_EXPORT_FORMATS = ['imscc', 'imscc11', 'moodle', 'canvas'] as const;
export type LmsExportFormat = (typeof LMS_EXPORT_FORMATS)[number];

/**
 * Cartridges of one export at most: a selection's zip is built in memory (JSZip), ~10–50 KB a course. A larger
 * selection fails the export with a message saying to export fewer courses.
 */
export const MAX_CARTRIDGES = 2000;

/**
 * Writes an LMS export of the pages to `out` (not ended here); resolves with the number of courses. Cartridges:
 * a single .imscc when `single` (the selection is one course), else a zip of one .imscc per course (stored,
 * the cartridges being compressed already). Throws when a cartridge export holds more than MAX_CARTRIDGES courses.
 */
export async function writeLmsExport(format: LmsExportFormat, pages: AsyncIterable<CourseRow[]>, write: (chunk: string | Buffer) => Promise<void>, options: { single?: boolean; tags?: (c: CourseRow) => string[] } = {}): Promise<number> {
  let n = 0;
  if (format === 'moodle' || format === 'canvas') {
    for await (const page of pages) {
      if (page.length === 0) continue;
      await write(lmsCsv(format, page, n === 0));
      n += page.length;
    }
    if (n === 0) await write(lmsCsv(format, [], true));
    return n;
  }
  const version: CartridgeVersion = format === 'imscc11' ? '1.1' : '1.3';
  const outer = new JSZip();
  let only: Buffer | undefined;
  for await (const page of pages) {
    for (const c of page) {
      if (++n > MAX_CARTRIDGES) throw new Error(`more than ${MAX_CARTRIDGES} courses for a cartridge export; select fewer courses`);
      const bytes = await cartridgeZip(c, { version, tags: options.tags });
      only = n === 1 ? bytes : undefined;
      outer.file(cartridgeName(c), bytes, { compression: 'STORE' });
    }
  }
  await write(options.single && only ? only : await outer.generateAsync({ type: 'nodebuffer', compression: 'STORE' }));
  return n;
}
