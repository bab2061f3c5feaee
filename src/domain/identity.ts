// The natural key says which stored course a row is, across imports:
//   ext:<external_id>        when the row has an external_id (trimmed, otherwise kept as given), else
//   title:<folded title>     lower-case, accents removed (œ → oe…), every run of whitespace, punctuation
//                            or symbols collapsed to one space, trimmed.
// "+" and "#" survive the folding: they are what tells "C++", "C#" and "C" apart.

import { foldAccents } from './text';

export function foldTitle(title: string): string {
  return foldAccents(title)
    .replace(/[^\p{L}\p{N}+#]+/gu, ' ')
    .trim();
}

export function naturalKey(externalId: string | null, title: string): string {
  return externalId !== null && externalId.trim() !== '' ? `ext:${externalId.trim()}` : `title:${foldTitle(title)}`;
}
