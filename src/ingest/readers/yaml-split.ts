// Splits a YAML catalogue into its courses before parsing, so that each course is composed on its own: the
// `yaml` package's Document of a whole 10 MB catalogue took ~750 MB of heap (75x the file), beyond the worker's
// 192 MB; one course's Document is a few KB. The split uses the package's own streaming Lexer (it knows quotes,
// comments, block scalars and flow collections), so a "- " inside a text never starts a course.
//
// Recognised: a top-level block sequence ("- title: …" at the left margin), or a top-level mapping whose
// `courses` key holds a block sequence. Anything else (a flow sequence "[{…}]", several documents, anchors and
// aliases, which can reach across courses) returns null: the caller parses the document whole, within a
// smaller bound.

import { Lexer } from 'yaml';

/** One course of the sequence: its text is `text.slice(start, end)`, starting on line `line` (1-based). */
export interface YamlItem {
  start: number;
  end: number;
  line: number;
}

export interface YamlSplit {
  items: YamlItem[];
  /** The document with the sequence's lines emptied: parsed to check the rest of the file (syntax, keys, tags). */
  skeleton: string;
  /** Whether the sequence is under a `courses` key (else it is the document itself). */
  wrapped: boolean;
}

// Control characters the Lexer emits as zero-width markers (document start, flow end, scalar start: cst.ts).
function isMarker(token: string): boolean {
  return token.length === 1 && token !== '\n' && token !== '\t' && token !== '\r' && token.charCodeAt(0) < 0x20;
}

/** The split of `text` (YAML 1.2), or null when its shape needs the whole document (see above). Linear. */
export function splitYamlCourses(text: string): YamlSplit | null {
  const items: YamlItem[] = [];
  let offset = 0;
  let line = 1;
  let lineStart = true;
  let lineOffset = 0;
  let indent = 0;
  let flow = 0;
  let firstOnLine = true;
  // 'root' (a sequence at the margin), 'key' (just read the courses key), 'wrapped' (inside its sequence)
  let mode: 'unknown' | 'root' | 'mapping' | 'key' | 'wrapped' | 'after' = 'unknown';
  let seqIndent = -1;
  let regionStart = -1;
  let regionEnd = -1;
  let pendingKey: string | null = null;
  let documents = 0;
  // The text of a block scalar (after a `|` or `>` header) comes as one token at a line start: text, not structure.
  let afterBlockHeader = false;

  const closeItem = (at: number) => {
    const last = items[items.length - 1];
    if (last && last.end < 0) last.end = at;
  };

  for (const token of new Lexer().lex(text)) {
    if (isMarker(token)) {
      if (token === '\u0002' && ++documents > 1) return null;
      continue;
    }
    offset += token.length;
    if (token === '---' || token === '...') return null;
    if (token.startsWith('&') || token.startsWith('*')) return null;
    if (token === '\n' || token === '\r\n') {
      line++;
      lineStart = true;
      lineOffset = offset;
      indent = 0;
      continue;
    }
    if (lineStart && /^[ \t]+$/.test(token)) {
      // The Lexer gives a block scalar's text with its indentation: an indentation token means it was empty.
      afterBlockHeader = false;
      indent = token.length;
      continue;
    }
    firstOnLine = lineStart && !afterBlockHeader;
    lineStart = false;
    afterBlockHeader = token.startsWith('|') || token.startsWith('>') || (afterBlockHeader && (token === ' ' || token.startsWith('#')));
    if (!token.startsWith('#') && flow === 0 && firstOnLine) {
      // The first token of a line, at block level: where courses start and end.
      if (mode === 'unknown') {
        if (token === '[' || token === '{') return null;
        mode = token === '-' && indent === 0 ? 'root' : 'mapping';
        if (mode === 'root') {
          seqIndent = 0;
          regionStart = lineOffset;
        }
      }
      if (mode === 'key') {
        if (token !== '-') return null; // `courses:` followed by something other than a block sequence
        mode = 'wrapped';
        seqIndent = indent;
        regionStart = lineOffset;
      } else if (mode === 'wrapped' && (indent < seqIndent || (indent === seqIndent && token !== '-'))) {
        closeItem(lineOffset);
        regionEnd = lineOffset;
        mode = 'after';
      } else if (mode === 'root' && indent === 0 && token !== '-') {
        return null;
      }
      if ((mode === 'root' || mode === 'wrapped') && token === '-' && indent === seqIndent) {
        closeItem(lineOffset);
        items.push({ start: lineOffset, end: -1, line });
      }
      if (mode === 'mapping' && indent === 0) pendingKey = token;
    } else if (mode === 'mapping' && pendingKey !== null && token === ':' ) {
      if (pendingKey === 'courses') mode = 'key';
      pendingKey = null;
    } else if (mode === 'key' && !token.startsWith('#') && token !== ' ' && !/^[ \t]+$/.test(token)) {
      return null; // `courses: [ … ]` or `courses: value` on the key's line
    }
    if (token === '[' || token === '{') flow++;
    else if (token === ']' || token === '}') flow = Math.max(0, flow - 1);
    if (mode === 'mapping' && firstOnLine && indent === 0 && token.startsWith('"')) pendingKey = token.slice(1, -1);
    const newlines = token.split('\n').length - 1;
    if (newlines > 0) {
      line += newlines;
      if (token.endsWith('\n')) {
        lineStart = true;
        lineOffset = offset;
        indent = 0;
      }
    }
  }
  if (mode !== 'root' && mode !== 'wrapped' && mode !== 'after') return null;
  closeItem(offset);
  if (regionEnd < 0) regionEnd = offset;
  // The items' lines become empty lines: the skeleton's messages keep the file's line numbers.
  const blank = '\n'.repeat(text.slice(regionStart, regionEnd).split('\n').length - 1);
  return { items, skeleton: text.slice(0, regionStart) + blank + text.slice(regionEnd), wrapped: mode !== 'root' };
}
