// Why a parser refused a file, as a reason code a person can read in their language (issue 11). The parsers
// (csv-parse, stream-json, yaml, saxes) explain themselves in English; a French admin read "Le JSON est mal formé
// ligne 3, colonne 22 : expected ','". Each common failure is mapped here to a key of
// `importFailures.reasons.<key>` (locales/<language>/importFailures.json), stored in the failure's parameters as
// `reason` (with the values its message needs), beside the parser's own words in `detail`, which only the
// "technical details" of an import's page and the English CLI / log line show. A failure no rule knows reads as a
// syntax error at its position: nothing is lost, the parser's words stay in `detail`.

/** Every reason a parser failure may name: each has a sentence in every catalogue (test/unit/parser-reasons.test.ts). */
export const PARSER_REASONS = [
  'syntax',
  'unexpectedEnd',
  // CSV (csv-parse's error codes)
  'csvQuoteNotClosed',
  'csvInvalidClosingQuote',
  'csvFieldCount',
  'csvRecordTooLong',
  // JSON (stream-json's verifier, JSON.parse)
  'jsonExpectedComma',
  'jsonExpectedColon',
  'jsonExpectedClose',
  'jsonExpectedValue',
  'jsonExpectedKey',
  'jsonTrailingComma',
  'jsonBadEscape',
  'jsonBadNumber',
  'jsonUnexpectedCharacters',
  'jsonUnterminatedString',
  'jsonControlCharacter',
  // YAML (the yaml package's error codes)
  'yamlMissingChar',
  'yamlMissingCharOf',
  'yamlIndent',
  'yamlTab',
  'yamlNestedMapping',
  'yamlImplicitKey',
  'yamlReservedCharacter',
  'yamlBadEscape',
  'yamlUnexpected',
  'yamlAnchor',
  'yamlFlow',
  'yamlKeyTooLong',
  // XML well-formedness (saxes)
  'xmlUnclosedTag',
  'xmlUnmatchedClosingTag',
  'xmlUnexpectedCloseTag',
  'xmlTextOutsideRoot',
  'xmlSeveralRoots',
  'xmlNoRoot',
  'xmlEntity',
  'xmlAttributeQuotes',
  'xmlDuplicateAttribute',
  'xmlAttributeSyntax',
  'xmlDisallowedCharacter',
  'xmlComment',
  'xmlDeclaration',
  // Zip archives: .xlsx, .ods, .imscc (yauzl's and zlib's messages)
  'zipTruncated',
  'zipDamaged',
  'zipUnsupported',
  'zipUnreadable',
] as const;

/** A reason key: `importFailures.reasons.<key>`. */
export type ParserReason = (typeof PARSER_REASONS)[number];

/** The reason of a failure and the values its sentence names (an element's name, the expected character). */
export interface ReasonOf {
  reason: ParserReason;
  /** `element` (an element or attribute name) and `char` (a character) are shown as written. */
  values?: { element?: string; char?: string };
}

const CSV_CODES: Readonly<Record<string, ParserReason>> = {
  CSV_QUOTE_NOT_CLOSED: 'csvQuoteNotClosed',
  CSV_INVALID_CLOSING_QUOTE: 'csvInvalidClosingQuote',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'csvInvalidClosingQuote',
  CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: 'csvFieldCount',
  CSV_RECORD_INCONSISTENT_COLUMNS: 'csvFieldCount',
  CSV_MAX_RECORD_SIZE: 'csvRecordTooLong',
};

/** csv-parse's failure (its `code`: CSV_INVALID_CLOSING_QUOTE…) as a reason; its `lines` is the line it stopped at. */
export function csvReason(err: unknown): ReasonOf & { line?: number } {
  const { code, lines } = (err ?? {}) as { code?: unknown; lines?: unknown };
  const reason = typeof code === 'string' ? CSV_CODES[code] : undefined;
  return { reason: reason ?? 'syntax', ...(typeof lines === 'number' && lines > 0 ? { line: lines } : {}) };
}

/**
 * A JSON syntax error's words as a reason: stream-json's ("expected ','", "unexpected token '}'", "Verifier has
 * expected a value") and V8's JSON.parse ("Expected ',' or '}' after property value in JSON at position 12").
 */
export function jsonReason(message: string): ReasonOf {
  const m = message.replace(/^.*?cannot parse input:\s*/i, '');
  // The input ended while something was still expected (stream-json says "has expected", V8 "end of JSON input").
  if (/has expected|end of (json )?input|unexpected end/i.test(m)) return { reason: 'unexpectedEnd' };
  let x: RegExpExecArray | null;
  if ((x = /unexpected token '([\]}])'/i.exec(m))) return { reason: 'jsonTrailingComma', values: { char: x[1]! } };
  if (/^expected ','|^Expected ',' or '[\]}]'/i.test(m)) return { reason: 'jsonExpectedComma' };
  if (/expected ':'/i.test(m)) return { reason: 'jsonExpectedColon' };
  if ((x = /^expected '([\]}])'/i.exec(m))) return { reason: 'jsonExpectedClose', values: { char: x[1]! } };
  if (/object key|property name/i.test(m)) return { reason: 'jsonExpectedKey' };
  if (/expected a value|unexpected token|is not valid JSON/i.test(m) && !/characters/i.test(m)) return { reason: 'jsonExpectedValue' };
  if (/escape/i.test(m)) return { reason: 'jsonBadEscape' };
  if (/digit|fractional|exponent|number/i.test(m)) return { reason: 'jsonBadNumber' };
  if (/unterminated string/i.test(m)) return { reason: 'jsonUnterminatedString' };
  if (/control character/i.test(m)) return { reason: 'jsonControlCharacter' };
  if (/unexpected characters|unexpected non-whitespace/i.test(m)) return { reason: 'jsonUnexpectedCharacters' };
  return { reason: 'syntax' };
}

const YAML_CODES: Readonly<Record<string, ParserReason>> = {
  MISSING_CHAR: 'yamlMissingChar',
  BAD_INDENT: 'yamlIndent',
  TAB_AS_INDENT: 'yamlTab',
  BLOCK_AS_IMPLICIT_KEY: 'yamlImplicitKey',
  MULTILINE_IMPLICIT_KEY: 'yamlImplicitKey',
  BAD_SCALAR_START: 'yamlReservedCharacter',
  BAD_DQ_ESCAPE: 'yamlBadEscape',
  UNEXPECTED_TOKEN: 'yamlUnexpected',
  BAD_ALIAS: 'yamlAnchor',
  ALIAS_PROPS: 'yamlAnchor',
  MULTIPLE_ANCHORS: 'yamlAnchor',
  MULTIPLE_TAGS: 'yamlAnchor',
  BAD_PROP_ORDER: 'yamlAnchor',
  BLOCK_IN_FLOW: 'yamlFlow',
  KEY_OVER_1024_CHARS: 'yamlKeyTooLong',
};

/** A yaml package error (its `code`, and its message for the cases one code covers) as a reason. */
export function yamlReason(code: string, message: string): ReasonOf {
  // "Nested mappings are not allowed in compact mappings": `title: A: B`, or a key indented one space too far.
  if (/nested mappings/i.test(message)) return { reason: 'yamlNestedMapping' };
  if (/tabs? (characters? )?(are|is) not allowed as indentation|\btab\b/i.test(message) && code !== 'MISSING_CHAR') return { reason: 'yamlTab' };
  // "Flow sequence in block collection must be sufficiently indented and end with a ]": an unclosed [ or {.
  const flow = /must be sufficiently indented and end with a? ?([\]}])/i.exec(message);
  if (flow) return { reason: 'yamlMissingCharOf', values: { char: flow[1]! } };
  // "Missing closing "quote" / "Missing closing 'quote": the quote that opens a value is never closed.
  const quote = /missing closing (["'])quote/i.exec(message);
  if (quote) return { reason: 'yamlMissingCharOf', values: { char: quote[1]! } };
  return { reason: YAML_CODES[code] ?? 'syntax' };
}

/** saxes' well-formedness error (its message without the position) as a reason. */
export function xmlReason(message: string): ReasonOf {
  // saxes prefixes "line:column: " (and the file name when it has one); the position is a parameter of its own.
  const m = message.replace(/^.*?\d+:\d+:\s*/s, '').trim();
  let x: RegExpExecArray | null;
  if ((x = /^unclosed tag: (.+?)\.?$/i.exec(m))) return { reason: 'xmlUnclosedTag', values: { element: x[1]! } };
  if ((x = /^unmatched closing tag: (.+?)\.?$/i.exec(m))) return { reason: 'xmlUnmatchedClosingTag', values: { element: x[1]! } };
  if (/^unexpected close tag/i.test(m)) return { reason: 'xmlUnexpectedCloseTag' };
  if (/^text data outside of root node/i.test(m)) return { reason: 'xmlTextOutsideRoot' };
  if (/only one root/i.test(m)) return { reason: 'xmlSeveralRoots' };
  if (/must contain a root element/i.test(m)) return { reason: 'xmlNoRoot' };
  if (/entity/i.test(m)) return { reason: 'xmlEntity' };
  if (/unquoted attribute value|value must be quoted/i.test(m)) return { reason: 'xmlAttributeQuotes' };
  if ((x = /^duplicate attribute: (.+?)\.?$/i.exec(m))) return { reason: 'xmlDuplicateAttribute', values: { element: x[1]! } };
  if (/attribute without value|value required|whitespace between attributes|name\/value pairs/i.test(m)) return { reason: 'xmlAttributeSyntax' };
  if (/disallowed character|malformed name/i.test(m)) return { reason: 'xmlDisallowedCharacter' };
  if (/comment/i.test(m)) return { reason: 'xmlComment' };
  if (/xml declaration|version number|standalone value|encoding value/i.test(m)) return { reason: 'xmlDeclaration' };
  if (/unexpected end/i.test(m)) return { reason: 'unexpectedEnd' };
  return { reason: 'syntax' };
}

/**
 * Why a zip archive (an .xlsx or .ods workbook, an .imscc cartridge) could not be read, from the message of yauzl
 * (its central directory and entries, https://github.com/thejoshwolfe/yauzl) or of zlib (an entry's deflated data):
 * - zipTruncated: the archive's end is missing or an entry runs past it (an upload or copy cut short);
 * - zipDamaged: a record's signature, an extra field or an entry's compressed data is corrupt;
 * - zipUnsupported: a zip variant the reader does not read (another compression method, multi-disk, strong
 *   encryption, an archive over 2^52 bytes);
 * - zipUnreadable: any other message (kept in `detail`).
 */
export function zipReason(message: string): ReasonOf {
  if (/end of central directory record signature not found|unexpected EOF|file data overflows file bounds|invalid comment length/i.test(message)) return { reason: 'zipTruncated' };
  if (/unsupported compression method|multi-disk|strong encryption|zip file too large/i.test(message)) return { reason: 'zipUnsupported' };
  if (/signature|extra field|zip64|invalid (stored block lengths|block type|distance|code|literal|bit length)|incorrect (header|data) check|unexpected end of file|too many length or distance symbols/i.test(message)) return { reason: 'zipDamaged' };
  return { reason: 'zipUnreadable' };
}

/** The failure parameters of a reason: `reason` and its values, beside the parser's own words (`detail`). */
export function reasonParams(r: ReasonOf, detail: string): { reason: ParserReason; detail: string; element?: string; char?: string } {
  return { reason: r.reason, ...r.values, detail };
}
