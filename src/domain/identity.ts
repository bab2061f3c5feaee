// The natural key says which stored course a row is, across imports:
//   ext:<external_id>        when the row has an external_id (trimmed, otherwise kept as given), else
//   title:<folded title>     lower-case, accents removed (œ → oe…), every run of whitespace, punctuation
//                            or symbols collapsed to one space, trimmed.
// "+" and "#" survive the folding: they are what tells "C++", "C#" and "C" apart.

import { foldAccents, isAscii } from './text';

// Within ASCII, letters and digits are a-z and 0-9 (folded text is lower-case): a far cheaper pattern.
const ASCII_SEPARATORS_RE = /[^a-z0-9+#]+/g;
const SEPARATORS_RE = /[^\p{L}\p{N}+#]+/gu;

export function foldTitle(title: string): string {
  const folded = foldAccents(title);
  return folded.replace(isAscii(folded) ? ASCII_SEPARATORS_RE : SEPARATORS_RE, ' ').trim();
}

export function naturalKey(externalId: string | null, title: string): string {
  return externalId !== null && externalId.trim() !== '' ? `ext:${externalId.trim()}` : `title:${foldTitle(title)}`;
}
