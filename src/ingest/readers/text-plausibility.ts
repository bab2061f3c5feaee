// How plausible a decoded text is as French / English (Western European) catalogue text: the judge that tells
// Windows-1252 from Mac Roman. Both code pages decode every byte of a file without an error, so the only
// evidence is what the result looks like. Each non-ASCII character is scored in its context:
//
//   + letters French (and its Western neighbours) really use, lower case anywhere, capitals at a word's start
//     or inside an all-capitals word: é è à ç ù ô î ê ë ï û â œ É À Ç …
//   + punctuation of French / English typography: € ’ ‘ “ ” « » … – — °, non-breaking spaces
//   − what a wrong code page produces: a capital right after a lower-case letter ("catŽgorie", "dÈbutant"),
//     punctuation glued between two letters ("Ma”trise"), spacing accents and maths signs (˘ ˚ ¸ ‡ ∞ ≠ √),
//     letters French does not use (Ž ž Š š ƒ ı), a lone capital letter standing for a symbol ("49,99 Ä"),
//     three accented letters in a row (another alphabet read in a Latin code page: "Ïðîãðàììà"),
//     and anything that means "not text at all": controls, U+FFFD, private use (Apple's logo), box drawing.
//
// Measured on the field cases (see test/unit/encoding.test.ts): Mac Roman read as Windows-1252 gives Ž, ”,
// ˆ, ™ and undefined bytes (U+FFFD); Windows-1252 read as Mac Roman gives È, Ë, ‡, Á inside words. Each
// wrong reading scores clearly below zero, each right one clearly above.

/** Lower-case letters of French (and German): the strongest sign of a right reading. */
const FRENCH_LOWER = new Set('àâäæçéèêëîïôöœùûüß');
/** Other Western European lower-case letters: plausible, weaker (Mac Roman read as Windows-1252 never gives them, the reverse does: í ú ó). */
const OTHER_LOWER = new Set('áãåíìñóòõøú');
const FRENCH_UPPER = new Set('ÀÂÄÆÇÉÈÊËÎÏÔÖŒÙÛÜ');
/** The accented letters a French word can start with ("à", "été", "être", "île", "ôter", "œuvre", "âge"). */
const WORD_INITIAL_LOWER = new Set('àéêîôœâ');
const WORD_INITIAL_UPPER = new Set('ÀÉÊÎÔŒÂÇ');
const OTHER_UPPER = new Set('ÁÃÅÍÌÑÓÒÕØÚ');
/** Punctuation that French and English text uses outside words. */
const GOOD_PUNCTUATION = new Set('’‘“”«»…–—°\u00a0\u202f');
/** Apostrophes and the middle dot may sit between two letters ("l’été", "aujourd’hui", Catalan "l·l"). */
const INSIDE_WORD_OK = new Set('’‘·');
/** Signs that only a wrong code page puts into catalogue text (mostly Mac Roman's maths and accents). */
const WRONG_PAGE_SIGNS = new Set('ˆˇ˘˙˚˛˜˝¸¯¨‡†∞≠≤≥∂∑∏π∫Ω√≈∆◊ƒ‰¬‚„ı\u00b4');

export interface Plausibility {
  /** Sum over the non-ASCII characters: > 0 reads as text, < 0 as the wrong code page. */
  score: number;
  /** Non-ASCII characters seen. */
  nonAscii: number;
  /** A character that no text holds (U+FFFD, a C0/C1 control, private use): the reading is impossible. */
  impossible: boolean;
}

function isLower(c: string | undefined): boolean {
  if (c === undefined) return false;
  return (c >= 'a' && c <= 'z') || FRENCH_LOWER.has(c) || OTHER_LOWER.has(c);
}

function isNonAsciiLetter(c: string | undefined): boolean {
  return c !== undefined && c.charCodeAt(0) >= 0x80 && /\p{L}/u.test(c);
}

function isLetter(c: string | undefined): boolean {
  return c !== undefined && /\p{L}/u.test(c);
}

/**
 * Scores `text` (already decoded) as Western European text; see the rules above. Pure; linear in the text.
 * Only characters ≥ U+0080 and C0 controls are looked at, so an ASCII text scores 0.
 */
export function scorePlausibility(text: string): Plausibility {
  let score = 0;
  let nonAscii = 0;
  let impossible = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) {
      if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) impossible = true;
      continue;
    }
    nonAscii++;
    const c = text[i]!;
    const prev = text[i - 1];
    const next = text[i + 1];
    if (isNonAsciiLetter(prev) && isNonAsciiLetter(next) && isLetter(c)) {
      // Three accented letters in a row: no French word has them; Cyrillic or Greek in the wrong code page
      // ("Ïðîãðàììà") has nothing else.
      score -= 4;
    } else if (code <= 0x9f || code === 0xfffd || (code >= 0xe000 && code <= 0xf8ff) || (code >= 0x2500 && code <= 0x259f)) {
      impossible = true;
      score -= 4;
    } else if (FRENCH_LOWER.has(c) || OTHER_LOWER.has(c)) {
      if (!isLetter(prev) && !isLetter(next) && c !== 'à') score -= 2; // a symbol read wrong: "Python ï Django"
      else if (!isLetter(prev) && !WORD_INITIAL_LOWER.has(c)) score -= 1; // "ële" is "Île" read wrong
      else score += FRENCH_LOWER.has(c) ? 3 : 1;
    } else if (FRENCH_UPPER.has(c) || OTHER_UPPER.has(c)) {
      if (isLower(prev)) score -= 3; // a capital inside a lower-case word: "catÈgorie"
      else if (isLetter(prev) && isLower(next)) score -= 3; // "RÈseaux", "SÈbastien"
      else if (!isLetter(prev) && !isLetter(next) && c !== 'À') score -= 2; // "49,99 Ä": a capital standing alone
      else if (!isLetter(prev) && isLower(next) && !WORD_INITIAL_UPPER.has(c)) score -= 1; // "des Èmotions"
      else score += FRENCH_UPPER.has(c) ? 2 : 1;
    } else if (c === '€') {
      score += isLetter(prev) && isLetter(next) ? -3 : 2;
    } else if (c === '’' && isLetter(prev) && isLetter(next)) {
      score += 2; // "l’été", "aujourd’hui"
    } else if (GOOD_PUNCTUATION.has(c)) {
      if (isLetter(prev) && isLetter(next) && !INSIDE_WORD_OK.has(c)) score -= 3; // "Ma”trise"
      else if (c === '…' && !isLetter(prev) && isLetter(next)) score -= 2; // "…lodie" (É in Mac Roman)
      else if ((c === '«' && isLetter(next)) || (c === '»' && isLetter(prev))) score -= 1; // French quotes take a space
      else score += 1;
    } else if (INSIDE_WORD_OK.has(c)) {
      score += 0;
    } else if (WRONG_PAGE_SIGNS.has(c)) {
      score -= 3;
    } else if ((c === '¿' || c === '¡') && !isLetter(next)) {
      score -= 2; // Spanish opening marks come before a word: "¿ propos" is "À propos" read wrong
    } else if (isLetter(c)) {
      // A letter outside French's alphabet (Ž ž Š š Ÿ, Greek, Cyrillic…): from a wrong code page here.
      score -= isLower(prev) ? 3 : 2;
    } else if (isLetter(prev) && isLetter(next)) {
      score -= 2; // any other sign glued inside a word: "Tr™s"
    }
    // Other signs outside words (£ § ± × µ ¿ ½ ™ • © ®…) are neutral: text may hold them, and so may noise.
  }
  return { score, nonAscii, impossible };
}
