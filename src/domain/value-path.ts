// Where a value is in its file, for the messages of JSON, YAML and XML imports (issue 12: errors carry the path
// of the value as well as row and column). A reader gives each row the path of its record (SourceRow.path:
// "/courses/2" or "/2" in JSON and YAML, "/courses/course[3]" in XML); the path of a field's value adds the key
// or element the value was read from, as written in the file ("prix", not "price").

import { pickFields, type CourseField } from './fields';
import type { RowError, SourceRow } from './types';

/** RFC 6901 §3: '~' is written '~0' and '/' '~1' in a reference token. */
export function pointerToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The path of the value behind a row error or warning: `base` (the row's SourceRow.path) followed by the key the
 * field was read from. `field` is a RowError's field: a course field ("price"), a lesson ("lessons[2]" or
 * "lessons[2].order", 1-based as messages count), or '*' (the row as a whole: the base itself). JSON / YAML paths
 * are JSON Pointers (RFC 6901, 0-based array indexes); XML paths are XPath-like (XPath 1.0 abbreviated
 * location paths, 1-based positions), told apart by the base (an XML base ends with "]").
 */
export function valuePath(base: string, raw: Record<string, unknown>, field: string): string {
  if (field === '*') return base;
  const xml = base.endsWith(']');
  const m = /^([a-z_]+)(?:\[(\d+)\])?(?:\.([a-z_]+))?$/.exec(field);
  if (!m) return base;
  const [, name, position, sub] = m;
  const column = pickFields(raw).get(name as CourseField)?.column ?? name!;
  if (xml) {
    let path = `${base}/${column}`;
    if (position !== undefined) path += `/*[${position}]`;
    if (sub !== undefined) path += sub === 'order' ? '/@order' : `/${sub}`;
    return path;
  }
  let path = `${base}/${pointerToken(column)}`;
  if (position !== undefined) path += `/${Number(position) - 1}`;
  if (sub !== undefined) path += `/${pointerToken(sub)}`;
  return path;
}

/**
 * The errors (or warnings) of a row with the path of each value (RowError.path), when the reader gave the row a
 * path (JSON, YAML, XML); the same list otherwise. `raw` is the record the errors are about (the row's raw, or
 * its guarded copy). New objects: the inputs are not modified.
 */
export function withValuePaths(row: Pick<SourceRow, 'path'>, raw: Record<string, unknown>, errors: RowError[]): RowError[] {
  const base = row.path;
  if (base === undefined || errors.length === 0) return errors;
  return errors.map((e) => ({ ...e, path: valuePath(base, raw, e.field) }));
}
