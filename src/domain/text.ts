// Text cleaning shared by every free-text field. The output is always plain text (never HTML):
// whoever renders it must escape it. Lengths are counted in characters (code points), not UTF-16 units,
// so an emoji counts as one and a cut never splits a surrogate pair.

// Only real HTML element names are treated as tags, so that course titles like "List<String>" or
// "vector<int>" survive: a generic `<[a-z]…>` pattern would eat them.
const HTML_ELEMENTS = [
  'a', 'abbr', 'address', 'article', 'aside', 'audio', 'b', 'big', 'blockquote', 'body', 'br', 'button',
  'caption', 'center', 'cite', 'code', 'col', 'colgroup', 'dd', 'del', 'details', 'dfn', 'div', 'dl', 'dt',
  'em', 'embed', 'figcaption', 'figure', 'font', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'head',
  'header', 'hr', 'html', 'i', 'iframe', 'img', 'input', 'ins', 'kbd', 'label', 'li', 'link', 'main', 'mark',
  'meta', 'nav', 'object', 'ol', 'option', 'p', 'pre', 'q', 's', 'samp', 'script', 'section', 'select',
  'small', 'source', 'span', 'strike', 'strong', 'style', 'sub', 'summary', 'sup', 'svg', 'table', 'tbody',
  'td', 'textarea', 'tfoot', 'th', 'thead', 'title', 'tr', 'tt', 'u', 'ul', 'var', 'video', 'wbr',
];
// Elements after which text continues on a new line (so paragraphs don't glue together).
const BLOCK_ELEMENTS = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'dd', 'details', 'div', 'dl', 'dt', 'figcaption', 'figure',
  'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre',
  'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul',
]);
const TAG_RE = new RegExp(`<\\/?(${HTML_ELEMENTS.join('|')})(?=[\\s/>])[^>]*>`, 'gi');
// Their content is code, not text: drop it with the tags.
const DROPPED_CONTENT_RE = /<(script|style|iframe|object|svg)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const COMMENT_RE = /<!--[\s\S]*?(?:-->|$)/g;

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', hellip: '…', ndash: '–', mdash: '—',
  lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', laquo: '«', raquo: '»', euro: '€', copy: '©', reg: '®',
  trade: '™', deg: '°', middot: '·', bull: '•',
  eacute: 'é', egrave: 'è', ecirc: 'ê', euml: 'ë', agrave: 'à', aacute: 'á', acirc: 'â', auml: 'ä',
  ccedil: 'ç', icirc: 'î', iuml: 'ï', ocirc: 'ô', ouml: 'ö', ugrave: 'ù', ucirc: 'û', uuml: 'ü',
  oelig: 'œ', aelig: 'æ', Eacute: 'É', Egrave: 'È', Ecirc: 'Ê', Agrave: 'À', Ccedil: 'Ç', OElig: 'Œ',
};
const ENTITY_RE = /&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});/g;

// C0 controls (but tab / LF / CR, which the whitespace rules handle), DEL, C1 controls, and invisible
// characters that only confuse matching and de-duplication (zero-width space, BOM, soft hyphen).
const CONTROL_RE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u200B\u2060\uFEFF]/g;

export function stripControlChars(s: string): string {
  return s.replace(CONTROL_RE, '');
}

export function decodeEntities(s: string): string {
  return s.replace(ENTITY_RE, (whole, body: string) => {
    if (body.startsWith('#')) {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
      return valid ? String.fromCodePoint(code) : '';
    }
    return NAMED_ENTITIES[body] ?? whole;
  });
}

export function stripHtml(s: string): string {
  return s
    .replace(COMMENT_RE, '')
    .replace(DROPPED_CONTENT_RE, '')
    .replace(TAG_RE, (_tag, name: string) => (BLOCK_ELEMENTS.has(name.toLowerCase()) ? '\n' : ''));
}

// Any character that one of the steps below would act on: most cells have none, and skip them all.
const NEEDS_CLEANING_RE = /[<&\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u200B\u2060\uFEFF]/;
const ASCII_RE = /^[\x00-\x7f]*$/;

/** Whether every character is ASCII: the test in front of the cheaper paths of the text rules. */
export function isAscii(s: string): boolean {
  return ASCII_RE.test(s);
}
// Latin-1 text (most French text) holds no combining mark and only characters NFC leaves as they are.
const LATIN1_RE = /^[\x00-\xff]*$/;

function cleanCommon(s: string): string {
  const nfc = LATIN1_RE.test(s) ? s : s.normalize('NFC');
  if (!NEEDS_CLEANING_RE.test(nfc)) return nfc;
  // Entities are decoded after the tags are gone so that "&lt;b&gt;" stays visible text; controls are
  // stripped again because an entity such as &#7; can produce one.
  return stripControlChars(decodeEntities(stripHtml(stripControlChars(nfc))));
}

/** One-line text (titles, names): HTML and controls removed, every run of whitespace becomes one space. */
export function cleanLine(s: string): string {
  return collapseSpaces(cleanCommon(s)).trim();
}

// Whitespace that is not a lone space: only then is there anything to collapse. A global replace rebuilds the
// string at every match, and every single space between two words is one.
const COLLAPSIBLE_RE = /\s\s|[^\S ]/;

function collapseSpaces(s: string): string {
  return COLLAPSIBLE_RE.test(s) ? s.replace(/\s+/g, ' ') : s;
}

/**
 * Multi-line text (descriptions, lesson content): paragraphs are kept, with at most one blank line
 * between them; spaces inside a line are collapsed and each line is trimmed.
 */
export function cleanMultiline(s: string): string {
  const cleaned = cleanCommon(s);
  if (!/[\r\n]/.test(cleaned)) return collapseSpaces(cleaned).trim();
  return cleaned
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => collapseSpaces(line).trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

// A high surrogate starts a character made of two UTF-16 units; without one, length is the character count.
const HIGH_SURROGATE_RE = /[\uD800-\uDBFF]/;

export function charLength(s: string): number {
  if (!HIGH_SURROGATE_RE.test(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Cuts `s` to at most `max` characters, at the last word boundary if it is within the last 20 characters,
 * and ends it with "…" so a reader sees the text was cut.
 */
export function truncateChars(s: string, max: number): string {
  const chars = Array.from(s);
  if (chars.length <= max) return s;
  let cut = chars.slice(0, max - 1).join('');
  const lastSpace = cut.search(/\s\S*$/);
  if (lastSpace > 0 && charLength(cut) - charLength(cut.slice(0, lastSpace)) <= 20) {
    cut = cut.slice(0, lastSpace);
  }
  return `${cut.trimEnd()}…`;
}

const LIGATURES: Record<string, string> = { œ: 'oe', æ: 'ae', ß: 'ss', ø: 'o', đ: 'd', ł: 'l' };

function decomposeAndFold(s: string): string {
  return s
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[œæßøđł]/g, (c) => LIGATURES[c] ?? c);
}

// Within Latin-1 the folding is character by character (no combining marks to meet), so each letter's fold is
// worked out once, by the general path itself, and Latin-1 text skips the decomposition and its copies.
const LATIN1_FOLDS: Readonly<Record<string, string>> = Object.fromEntries(
  Array.from({ length: 0x100 - 0xc0 }, (_, i) => String.fromCharCode(0xc0 + i)).map((c) => [c, decomposeAndFold(c)]),
);
const LATIN1_LETTERS_RE = /[\u00c0-\u00ff]/g;

/** Lower-case, accents removed, common ligatures expanded: for comparing, never for display. */
export function foldAccents(s: string): string {
  // Most text is plain ASCII or Latin-1 (the hottest lines of the normalisation profile).
  if (ASCII_RE.test(s)) return s.toLowerCase();
  if (LATIN1_RE.test(s)) return s.toLowerCase().replace(LATIN1_LETTERS_RE, (c) => LATIN1_FOLDS[c]!);
  return decomposeAndFold(s);
}

/** foldAccents without its fast paths: the definition they must agree with (held by a unit test). */
export const foldAccentsSlowly = decomposeAndFold;

/** foldAccents, then every run of non-letters/digits becomes one space: "Tous-les Niveaux!" → "tous les niveaux". */
export function foldWords(s: string): string {
  return foldAccents(s)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
