// Text that PostgreSQL can store. Two things in a JavaScript string cannot reach it:
// - U+0000: a `text` value cannot hold NUL, and `jsonb` refuses the escape \u0000 ("unsupported Unicode escape
//   sequence"; PostgreSQL docs, 8.14 JSON Types);
// - a lone UTF-16 surrogate (U+D800–U+DFFF without its pair): it has no UTF-8 encoding (RFC 3629 §3), so the
//   driver would send U+FFFD or JSON.stringify an escape "\udc00" that jsonb refuses.
// A row holding either was refused by PostgreSQL on every attempt (issue 16). They are removed, counted, and
// the count becomes a row warning: never a U+FFFD stored silently.

// The fast test (two native scans; String.prototype.isWellFormed, ES2024, is in Node 20): most text holds
// neither, and is returned as is after it.
/** NUL, a high surrogate not followed by a low one, a low surrogate not preceded by a high one. */
const UNSTORABLE_RE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** What storableText removed, added up over the calls it is passed to. */
export interface RemovedChars {
  /** U+0000 characters removed. */
  nul: number;
  /** Lone UTF-16 surrogates removed. */
  surrogates: number;
}

export const noneRemoved = (): RemovedChars => ({ nul: 0, surrogates: 0 });

/** True when `s` holds neither NUL nor a lone surrogate: the fast test above, no regex. */
export function isStorable(s: string): boolean {
  return !s.includes('\u0000') && (s as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/**
 * `s` without NUL characters and lone surrogates (paired surrogates, i.e. emoji, stay), counting what was
 * removed into `removed`. Returns `s` itself when there is nothing to remove (isStorable).
 */
export function storableText(s: string, removed: RemovedChars): string {
  if (isStorable(s)) return s;
  return s.replace(UNSTORABLE_RE, (m) => {
    if (m === '\u0000') removed.nul++;
    else removed.surrogates++;
    return '';
  });
}

/** storableText without the counts: for messages (file warnings, errors) that must be storable too. */
export function storableMessage(s: string): string {
  return storableText(s, noneRemoved());
}

/** "removed 2 NUL characters and a lone UTF-16 surrogate", or undefined when nothing was removed. */
export function describeRemoved(removed: RemovedChars): string | undefined {
  const parts: string[] = [];
  if (removed.nul > 0) parts.push(removed.nul === 1 ? 'a NUL character' : `${removed.nul} NUL characters`);
  if (removed.surrogates > 0) parts.push(removed.surrogates === 1 ? 'a lone UTF-16 surrogate' : `${removed.surrogates} lone UTF-16 surrogates`);
  if (parts.length === 0) return undefined;
  return `removed ${parts.join(' and ')} (text PostgreSQL cannot store)`;
}
