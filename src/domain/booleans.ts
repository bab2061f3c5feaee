import { isCellError, unwrapCellValue } from './cell-value';
import { cellError, fail, kindKey, kindOf, ok, show, type Parsed } from './values';
import { foldWords } from './text';

const TRUE_WORDS = new Set(['true', 'yes', 'y', 'oui', 'o', 'vrai', 'v', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'n', 'non', 'faux', 'f', '0']);

/** true/false, yes/no, oui/non, vrai/faux, 1/0, y/n (any case, accents ignored) and native booleans. */
export function parseBoolean(raw: unknown): Parsed<boolean | undefined> {
  const v = unwrapCellValue(raw);
  if (v === undefined || v === null) return ok(undefined);
  if (isCellError(v)) return cellError(v.error);
  if (typeof v === 'boolean') return ok(v);
  if (typeof v === 'number') {
    if (v === 1) return ok(true);
    if (v === 0) return ok(false);
    return fail('boolean_invalid_number', { value: show(v) }, `${show(v)} is not a yes/no value; use true or false (also yes/no, oui/non, 1/0)`);
  }
  if (typeof v !== 'string') return fail('expected_boolean', { kind: kindKey(v) }, `expected true or false but got ${kindOf(v)}`);
  const word = foldWords(v);
  if (word === '') return ok(undefined);
  if (TRUE_WORDS.has(word)) return ok(true);
  if (FALSE_WORDS.has(word)) return ok(false);
  return fail('boolean_invalid', { value: show(v) }, `${show(v)} is not a yes/no value; use true or false (also yes/no, oui/non, vrai/faux, 1/0)`);
}
