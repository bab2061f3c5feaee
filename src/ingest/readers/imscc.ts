// IMS Common Cartridge reader (.imscc, CC 1.1, 1.2 and 1.3; issue 13). A cartridge is one course:
//
//   imsmanifest.xml
//     <metadata><schema>IMS Common Cartridge</schema><schemaversion>1.3.0</schemaversion>
//       <lomimscc:lom><lomimscc:general> title, description, keyword*, identifier, language </…></…></metadata>
//     <organizations><organization structure="rooted-hierarchy"><item identifier="root">
//       <item> (a lesson: its title; its own resource or those of the items under it) </item> …
//     </item></organization></organizations>
//     <resources><resource identifier type href><file href/>…</resource>…</resources>
//
// Each item under the root item is a lesson, in order: its title is the item's title, its content the <body> of
// the "webcontent" HTML pages it or its sub-items point at (joined), its video the URL of the first web link
// (imswl_xmlv1p1 / v1p2 / v1p3). The HTML is kept as markup here; normalisation removes tags, scripts and
// comments and decodes entities (text.ts), as for every other format. Resources of any other type (quizzes,
// discussions, LTI links, assignments…) are not imported: each type is listed once as a 'cartridge_resource_skipped'
// warning. The course fields a cartridge has no place for (category, instructor, duration, difficulty, learning
// mode, price, external id) travel in a file of ours, course-import/course.json, declared as a
// "learning-application-resource" (the resource type CC 1.1 §4.4 gives to tool-specific files, as Canvas does
// with its course_settings): another LMS ignores it, and our own export imports back unchanged.
// external_id: that file's, else the LOM general identifier's entry, else the manifest's identifier (warned):
// an LMS's identifier, so that importing the same cartridge again updates the course.
//
// Safety, as for .xlsx (zip-inspect.ts) and XML (xml.ts), from the central directory (yauzl):
// - at most MAX_ZIP_ENTRIES entries; no absolute path, no ".." segment, no symbolic link (Unix mode in the
//   external attributes, APPNOTE 4.4.15), no encrypted entry;
// - declared uncompressed sizes summed ≤ limits.maxUncompressedBytes, no entry over 1 MiB compressed more than
//   100:1; yauzl checks each entry's actual size against its header while it is read (validateEntrySizes);
// - only the entries the manifest names are decompressed, each up to a bound (manifest 4 MiB; a page
//   limits.maxValueChars bytes, a link file 64 KiB, the rest cut with a warning), and 4 × limits.maxRowBytes of
//   them in all (the course is one row, refused above maxRowBytes anyway);
// - XML (the manifest, web links) with a DOCTYPE or ENTITY declaration is refused before saxes sees it; saxes
//   has no DTD processing, hence no external entity and no entity expansion (OWASP XXE prevention).

import { SaxesParser } from 'saxes';
import type { Entry, ZipFile } from 'yauzl';
import type { FailureParams } from '../../domain/failure-variants';
import { FileValidationError, ignoreWarnings, type ReaderLimits, type SourceRow, type WarnFn } from '../../domain/types';
import type { CartridgeWarningCode } from '../../domain/cartridge-codes';
import type { RowParams } from '../../domain/row-codes';
import { checkFile, formatBytes } from './file-checks';
import { reasonParams, xmlReason } from './parser-reasons';
import { checkCompressionRatio, MAX_ZIP_ENTRIES, mapZipError, openEntry, openZip, zipEntries } from './zip-inspect';

export const MANIFEST_PATH = 'imsmanifest.xml';
/** Our file of the fields CC has no place for (see the top of this file). */
export const EXTENSION_PATH = 'course-import/course.json';
/** Bytes of imsmanifest.xml at most: a manifest of 10 000 items is ~2 MB. */
export const MANIFEST_MAX_BYTES = 4 * 1024 * 1024;
/** Bytes of a web link file or of our extension file at most (a few hundred bytes in practice). */
const SMALL_FILE_MAX_BYTES = 64 * 1024;
/** Levels of XML elements at most: a manifest is ~8 deep, nested items add one each. */
const MAX_XML_DEPTH = 64;
/** Course fields our extension file may carry (anything else in it is ignored). */
const EXTENSION_FIELDS = ['external_id', 'category', 'instructor', 'duration', 'difficulty', 'learning_mode', 'price', 'is_free'] as const;

// params: for the reader's language (importFailures.<code>_<context>).
const unsafe = (message: string, params: FailureParams<'unsafe'>) => new FileValidationError('unsafe', message, params);
const malformed = (message: string, params: FailureParams<'malformed'>) => new FileValidationError('malformed', message, params);

/** One XML element: local name (namespaces dropped, as CC 1.1 and 1.3 differ only in them), attributes, children. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const DTD_MARK = /<!\s*(doctype|entity)/i;

/**
 * Parses a small XML document (held in memory) into a tree of local names. Throws FileValidationError 'unsafe'
 * on a DOCTYPE / ENTITY declaration (before parsing) and 'malformed' on any XML error or nesting over 64 levels.
 * `what` names the document in messages; `part` is its path in the cartridge, the parameter of the reader's-language
 * message (default `what`).
 */
export function parseSmallXml(text: string, what: string, part = what): XmlElement {
  const body = text.replace(/^\uFEFF/, '');
  if (DTD_MARK.test(body)) throw unsafe(`${what} contains a DOCTYPE or ENTITY declaration, which is not allowed`, { context: 'dtdPart', name: part });
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let failure: Error | undefined;
  parser.on('error', (e) => {
    failure ??= e;
  });
  parser.on('doctype', () => {
    failure ??= unsafe(`${what} contains a DOCTYPE declaration, which is not allowed`, { context: 'dtdPart', name: part });
  });
  parser.on('opentag', (tag) => {
    const attributes: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) {
      const attr = a as { local: string; value: string };
      attributes[attr.local] = attr.value;
    }
    const el: XmlElement = { name: (tag as { local: string }).local, attributes, children: [], text: '' };
    if (stack.length >= MAX_XML_DEPTH) failure ??= malformed(`${what} is nested more than ${MAX_XML_DEPTH} levels deep`, { context: 'xmlDepth', name: part, max: MAX_XML_DEPTH });
    stack.at(-1)?.children.push(el);
    if (stack.length === 0) root = el;
    stack.push(el);
  });
  parser.on('text', (t) => {
    const top = stack.at(-1);
    if (top) top.text += t;
  });
  parser.on('cdata', (t) => {
    const top = stack.at(-1);
    if (top) top.text += t;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  try {
    parser.write(body).close();
  } catch (e) {
    failure ??= e as Error;
  }
  if (failure) throw failure instanceof FileValidationError ? failure : malformed(`${what} is not well-formed XML: ${failure.message}`, { context: 'xmlPart', name: part, ...reasonParams(xmlReason(failure.message), failure.message) });
  if (!root) throw malformed(`${what} has no root element`, { context: 'noRoot', name: part });
  return root;
}

const child = (el: XmlElement | undefined, name: string): XmlElement | undefined => el?.children.find((c) => c.name === name);
const childrenNamed = (el: XmlElement | undefined, name: string): XmlElement[] => el?.children.filter((c) => c.name === name) ?? [];
/** The text of a LOM LangString (<title><string>…</string></title>), or the element's own text. */
function langString(el: XmlElement | undefined): string | undefined {
  if (!el) return undefined;
  const s = child(el, 'string');
  const text = (s ?? el).text.trim();
  return text === '' ? undefined : text;
}

/** True for a zip entry whose Unix mode (high 16 bits of the external attributes, APPNOTE 4.4.15) is a symbolic link. */
export function isSymlinkEntry(entry: Pick<Entry, 'externalFileAttributes'>): boolean {
  return ((entry.externalFileAttributes >>> 16) & 0o170000) === 0o120000;
}

function hasUnsafePath(name: string): boolean {
  return name.startsWith('/') || name.startsWith('\\') || /^[a-zA-Z]:/.test(name) || name.split(/[\\/]/).includes('..');
}

/** A cartridge's entries by path, after the archive checks at the top of this file. */
interface Cartridge {
  zip: ZipFile;
  entries: Map<string, Entry>;
}

async function openCartridge(filePath: string, limits: ReaderLimits): Promise<Cartridge> {
  let zip: ZipFile;
  try {
    zip = await openZip(filePath);
  } catch (err) {
    throw mapZipError(err, 'an .imscc cartridge');
  }
  try {
    if (zip.entryCount > MAX_ZIP_ENTRIES) throw unsafe(`the cartridge has ${zip.entryCount} zip entries; at most ${MAX_ZIP_ENTRIES}`, { context: 'entriesCartridge', count: zip.entryCount, max: MAX_ZIP_ENTRIES });
    const entries = new Map<string, Entry>();
    let declared = 0;
    for await (const entry of zipEntries(zip)) {
      const name = entry.fileName;
      if (hasUnsafePath(name)) throw unsafe(`the cartridge contains an entry with an unsafe path: ${name}`, { context: 'pathCartridge', name });
      if (isSymlinkEntry(entry)) throw unsafe(`the cartridge contains a symbolic link: ${name}`, { context: 'symlink', name });
      if (entry.isEncrypted()) throw new FileValidationError('unreadable', 'the cartridge is encrypted', { context: 'encryptedCartridge' });
      declared += entry.uncompressedSize;
      if (declared > limits.maxUncompressedBytes) throw unsafe(`the cartridge would expand to more than ${formatBytes(limits.maxUncompressedBytes)} (a zip bomb?)`, { context: 'zipBombCartridge', maxBytes: limits.maxUncompressedBytes });
      checkCompressionRatio(entry);
      if (!name.endsWith('/')) entries.set(name.replace(/\\/g, '/'), entry);
    }
    return { zip, entries };
  } catch (err) {
    zip.close();
    throw mapZipError(err, 'an .imscc cartridge');
  }
}

/** The first `maxBytes` bytes of an entry, and whether it was longer. */
async function readEntry(c: Cartridge, entry: Entry, maxBytes: number): Promise<{ bytes: Buffer; cut: boolean }> {
  const stream = await openEntry(c.zip, entry);
  const chunks: Buffer[] = [];
  let total = 0;
  let cut = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const room = maxBytes - total;
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, room));
        total = maxBytes;
        cut = true;
        break;
      }
      chunks.push(chunk);
      total += chunk.length;
    }
  } finally {
    stream.destroy();
  }
  return { bytes: Buffer.concat(chunks), cut };
}

/** Resolves a path relative to the manifest's folder (hrefs are URI references, RFC 3986 §5.2). */
function resolveHref(base: string, href: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(href.split(/[?#]/, 1)[0]!);
  } catch {
    return undefined;
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(decoded) || decoded.startsWith('/')) return undefined;
  const parts = (base === '' ? [] : base.split('/')).concat(decoded.split('/'));
  const out: string[] = [];
  for (const p of parts) {
    if (p === '' || p === '.') continue;
    if (p === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(p);
  }
  return out.join('/');
}

/** The inner markup of an HTML page's <body>, or the whole text when it has none. */
export function htmlBody(html: string): string {
  const open = /<body\b[^>]*>/i.exec(html);
  if (!open) return html.replace(/<head\b[\s\S]*?<\/head>/i, '');
  const start = open.index + open[0].length;
  const close = html.toLowerCase().lastIndexOf('</body');
  return html.slice(start, close >= start ? close : undefined);
}

interface Resource {
  identifier: string;
  type: string;
  href: string | undefined;
  files: string[];
}

const WEBLINK_TYPE = /^imswl_xmlv1p[0-9]$/;
const WEBCONTENT_TYPE = 'webcontent';
const APPLICATION_TYPE = /^associatedcontent\/imscc_xmlv1p[0-9]\/learning-application-resource$/;

interface LessonRaw {
  title: string | undefined;
  content: string | null;
  order: number;
  video_url: string | null;
}

/**
 * The course of an .imscc cartridge (IMS Common Cartridge 1.1 / 1.2 / 1.3) as one record (rowNumber 1, path
 * "/manifest"), its keys the course fields (title, description, tags, lessons as objects, the fields of our
 * extension file). What was skipped or interpreted goes to `warn`, with a code of CARTRIDGE_WARNING_CODES and its
 * parameters (src/domain/cartridge-codes.ts). Throws FileValidationError: too_large / empty / format_mismatch (checkFile); unsafe
 * (traversal, symlink, bomb, DTD); unreadable (not a zip, encrypted); malformed (no or bad imsmanifest.xml).
 */
export async function* readImscc(filePath: string, limits: ReaderLimits, warn: WarnFn = ignoreWarnings): AsyncGenerator<SourceRow> {
  await checkFile(filePath, 'imscc', limits);
  const cartridge = await openCartridge(filePath, limits);
  let record: Record<string, unknown>;
  try {
    record = await readCourse(cartridge, limits, warn);
  } catch (err) {
    throw err instanceof FileValidationError ? err : mapZipError(err, 'an .imscc cartridge');
  } finally {
    cartridge.zip.close();
  }
  yield { rowNumber: 1, raw: record, path: '/manifest' };
}

/** Where a file is read from, for the warnings: a lesson (position, title) or the extension file. */
type Where = { lesson: number; title: string | undefined } | { file: string };

/** A lesson's parameters for a warning about it: position and title, context 'untitled' when it has none. */
function lessonParams(where: Where): RowParams {
  if (!('lesson' in where)) return {};
  return where.title === undefined ? { lesson: where.lesson, context: 'untitled' } : { lesson: where.lesson, title: where.title };
}

/** "lesson 2 (Cells)" / "lesson 2" / the file's path: the English messages' prefix. */
function whereText(where: Where): string {
  return 'lesson' in where ? `lesson ${where.lesson}${where.title ? ` (${where.title})` : ''}` : where.file;
}

async function readCourse(c: Cartridge, limits: ReaderLimits, warnAny: WarnFn): Promise<Record<string, unknown>> {
  // Only this reader's codes (cartridge-codes.ts), each with its parameters.
  const warn = (w: { code: CartridgeWarningCode; params: RowParams; message: string; field?: string }) => warnAny(w);
  const manifestEntry = c.entries.get(MANIFEST_PATH);
  if (!manifestEntry) throw malformed(`the cartridge has no ${MANIFEST_PATH} at its top level; is it an IMS Common Cartridge?`, { context: 'noManifest', name: MANIFEST_PATH });
  const manifestBytes = await readEntry(c, manifestEntry, MANIFEST_MAX_BYTES);
  if (manifestBytes.cut) throw new FileValidationError('too_complex', `${MANIFEST_PATH} is more than ${formatBytes(MANIFEST_MAX_BYTES)}`, { context: 'manifest', name: MANIFEST_PATH, maxBytes: MANIFEST_MAX_BYTES });
  const manifest = parseSmallXml(manifestBytes.bytes.toString('utf8'), MANIFEST_PATH);
  if (manifest.name !== 'manifest') throw malformed(`${MANIFEST_PATH} has the root element <${manifest.name}>, not <manifest>`, { context: 'manifestRoot', name: MANIFEST_PATH, root: manifest.name });

  const metadata = child(manifest, 'metadata');
  const version = child(metadata, 'schemaversion')?.text.trim() ?? '';
  if (!/^1\.[0-3](\.\d+)?$/.test(version)) {
    warn({ code: 'cartridge_version', params: version ? { version } : { context: 'none' }, message: version ? `the cartridge declares the schema version '${version}'; it was read as Common Cartridge 1.3` : 'the cartridge declares no schema version; it was read as Common Cartridge 1.3' });
  }
  const general = child(child(metadata, 'lom'), 'general');
  const keywords = childrenNamed(general, 'keyword').flatMap((k) => childrenNamed(k, 'string').map((s) => s.text.trim()).filter((s) => s !== ''));

  const resources = new Map<string, Resource>();
  for (const r of childrenNamed(child(manifest, 'resources'), 'resource')) {
    const identifier = r.attributes.identifier ?? '';
    resources.set(identifier, {
      identifier,
      type: r.attributes.type ?? '',
      href: r.attributes.href,
      files: childrenNamed(r, 'file').map((f) => f.attributes.href ?? '').filter((h) => h !== ''),
    });
  }
  // hrefs are relative to the manifest, which is at the top level (xml:base is not supported).
  const base = '';
  // Bytes read from the cartridge's files in all: the course becomes one row, refused above limits.maxRowBytes
  // once staged; reading much more than that (thousands of pages) would only fill the worker's memory.
  let budget = limits.maxRowBytes * 4;
  let budgetSpent = false;
  const readFile = async (href: string | undefined, maxBytes: number, where: Where): Promise<string | undefined> => {
    const context = whereText(where);
    const path = href === undefined ? undefined : resolveHref(base, href);
    const entry = path === undefined ? undefined : c.entries.get(path);
    if (!entry) {
      warn({ code: 'cartridge_file_missing', params: { ...lessonParams(where), file: href ?? '—' }, message: `${context}: the file ${href ?? '(none)'} is not in the cartridge` });
      return undefined;
    }
    if (budget <= 0) {
      if (!budgetSpent) {
        warn({ code: 'cartridge_content_cut', params: { file: path!, max: limits.maxRowBytes * 4, context: 'total' }, message: `the cartridge's pages are more than ${formatBytes(limits.maxRowBytes * 4)} in all; ${path} and the files after it were not read` });
      }
      budgetSpent = true;
      return undefined;
    }
    const bound = Math.min(maxBytes, budget);
    const { bytes, cut } = await readEntry(c, entry, bound);
    budget -= bytes.length;
    if (cut) warn({ code: 'cartridge_content_cut', params: { file: path!, max: bound }, message: `${path} is more than ${formatBytes(bound)}; the rest was not read` });
    return bytes.toString('utf8').replace(/^\uFEFF/, '');
  };

  // Our extension file, when the cartridge was written by this product.
  const record: Record<string, unknown> = {};
  let extension: Record<string, unknown> | undefined;
  for (const r of resources.values()) {
    if (!APPLICATION_TYPE.test(r.type)) continue;
    const href = r.files.find((f) => resolveHref(base, f) === EXTENSION_PATH) ?? (r.href && resolveHref(base, r.href) === EXTENSION_PATH ? r.href : undefined);
    if (!href || !c.entries.has(EXTENSION_PATH)) continue;
    const text = await readFile(href, SMALL_FILE_MAX_BYTES, { file: EXTENSION_PATH });
    try {
      const parsed: unknown = JSON.parse(text ?? '');
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) extension = parsed as Record<string, unknown>;
    } catch {
      warn({ code: 'cartridge_extension_invalid', params: { file: EXTENSION_PATH }, message: `${EXTENSION_PATH} is not valid JSON; its fields were not read` });
    }
  }

  // Identity: ours, else the LMS's (LOM identifier, then the manifest's).
  const lomIdentifier = child(child(general, 'identifier'), 'entry')?.text.trim();
  if (extension && Object.hasOwn(extension, 'external_id')) record.external_id = extension.external_id;
  else if (lomIdentifier) record.external_id = lomIdentifier;
  else if (manifest.attributes.identifier) {
    record.external_id = manifest.attributes.identifier;
    warn({ code: 'cartridge_identifier', field: 'external_id', params: { identifier: manifest.attributes.identifier }, message: `the cartridge's metadata has no identifier; its manifest identifier ${manifest.attributes.identifier} is used as external_id` });
  }
  record.title = langString(child(general, 'title'));
  if (record.title === undefined) {
    // Some tools title only the organisation (IMS CP 1.1.4 §4.2: <organization><title>).
    const orgTitle = langString(child(child(child(manifest, 'organizations'), 'organization'), 'title'));
    if (orgTitle !== undefined) {
      record.title = orgTitle;
      warn({ code: 'cartridge_title', field: 'title', params: { title: orgTitle }, message: `the cartridge's metadata has no title; the organisation's title '${orgTitle}' is used` });
    }
  }
  record.description = langString(child(general, 'description')) ?? '';
  for (const f of EXTENSION_FIELDS) {
    if (f === 'external_id' || !extension || !Object.hasOwn(extension, f)) continue;
    const v = extension[f];
    // Scalars only: the file is ours, but a hand-edited one must not smuggle a nested structure in.
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') record[f] = v;
  }

  // A cartridge of another tool says nothing of a price but LOM's rights/cost (yes / no, IEEE LOM 6.1); every
  // course needs one: without a cost of "yes" the course is imported as free, and the file says so.
  if (!extension || (!Object.hasOwn(extension, 'price') && !Object.hasOwn(extension, 'is_free'))) {
    const cost = child(child(child(child(metadata, 'lom'), 'rights'), 'cost'), 'value')?.text.trim().toLowerCase();
    if (cost !== 'yes') {
      record.is_free = true;
      warn({ code: 'cartridge_price', field: 'is_free', params: cost === 'no' ? { context: 'noCost' } : {}, message: `the cartridge has no price${cost === 'no' ? ' (its rights say: no cost)' : ''}; the course is imported as free` });
    }
  }

  // Lessons: the items under the organisation's root item.
  const organization = child(child(manifest, 'organizations'), 'organization');
  const rootItem = child(organization, 'item');
  const skipped = new Map<string, { count: number; example: string }>();
  const lessons: LessonRaw[] = [];
  const pageBytes = Math.max(1024, limits.maxValueChars);
  for (const item of childrenNamed(rootItem, 'item')) {
    const title = langString(child(item, 'title'));
    const where: Where = { lesson: lessons.length + 1, title };
    const context = whereText(where);
    const pages: string[] = [];
    let video: string | null = null;
    const visit = async (it: XmlElement) => {
      const ref = it.attributes.identifierref;
      const itemTitle = langString(child(it, 'title')) ?? title;
      if (ref !== undefined) {
        const r = resources.get(ref);
        if (!r) warn({ code: 'cartridge_resource_undeclared', params: { ...lessonParams(where), resource: ref }, message: `${context}: the item points at the resource ${ref}, which the manifest does not declare` });
        else if (r.type === WEBCONTENT_TYPE) {
          const href = r.href ?? r.files[0];
          if (href !== undefined && !/\.x?html?$/i.test(href)) {
            skip(skipped, `webcontent (${href.split('.').pop()?.toLowerCase() ?? 'file'})`, itemTitle ?? href);
          } else {
            const html = await readFile(href, pageBytes, where);
            if (html !== undefined) pages.push(htmlBody(html));
          }
        } else if (WEBLINK_TYPE.test(r.type)) {
          const xml = await readFile(r.files[0] ?? r.href, SMALL_FILE_MAX_BYTES, where);
          const url = xml === undefined ? undefined : child(parseSmallXml(xml, `${context}: the web link ${r.files[0] ?? r.href}`, r.files[0] ?? r.href ?? ''), 'url')?.attributes.href?.trim();
          if (url && video === null) video = url;
          else if (url) warn({ code: 'cartridge_extra_link', params: { ...lessonParams(where), url }, message: `${context}: only the first web link is kept as the video; ${url} was not imported` });
        } else skip(skipped, r.type || '(no type)', itemTitle ?? ref);
      }
      for (const sub of childrenNamed(it, 'item')) await visit(sub);
    };
    await visit(item);
    lessons.push({ title, content: pages.length === 0 ? null : pages.join('\n'), order: lessons.length + 1, video_url: video });
  }
  for (const [type, { count, example }] of skipped) {
    warn({ code: 'cartridge_resource_skipped', params: { count, type, example }, message: `${count} ${count === 1 ? 'item' : 'items'} of the resource type ${type} (e.g. '${example}') ${count === 1 ? 'was' : 'were'} not imported: only web content and web links become lessons` });
  }
  record.lessons = lessons;
  record.tags = keywords;
  return record;
}

function skip(skipped: Map<string, { count: number; example: string }>, type: string, example: string): void {
  const s = skipped.get(type);
  if (s) s.count++;
  else skipped.set(type, { count: 1, example });
}
