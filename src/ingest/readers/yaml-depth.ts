// The nesting depth of a YAML text, bounded before it is parsed (issue 16's rule for JSON, json-depth.ts, applied
// to YAML: the `yaml` package composes nested collections recursively, and a few hundred KB of "[[[[…" exhausted
// its stack, a few MB the worker's heap). The package's own Lexer is streaming and keeps no tree, and it knows
// quoted scalars, comments and block scalars, so brackets inside text are not counted.
//
// Depth = flow collections open (`[` `{`, YAML 1.2 §7.4) + block levels: the distinct indentations open on the
// indentation stack (YAML 1.2 §6.1: a nested block node is more indented than its parent) + the compact
// sequence entries of the current line ("- - - x", §8.2.1). Levels are counted from the top-level value (1).

import { Lexer } from 'yaml';
import { FileValidationError } from '../../domain/types';

// yaml's Lexer marks a document start and a scalar start with these control characters (cst.ts of the package).
const DOCUMENT = '\u0002';
const SCALAR = '\u001f';

/**
 * Throws FileValidationError 'too_complex' ("nesting deeper than 32 levels at line L, column C") when a node of
 * `text` opens deeper than `maxDepth` levels. Linear in the text; keeps the indentation stack only.
 */
export function checkYamlDepth(text: string, maxDepth: number): void {
  let flow = 0;
  const indents: number[] = [];
  let lineStart = true;
  let indent = 0;
  let entriesOnLine = 0;
  let line = 1;
  let column = 1;
  // The text of a block scalar (after a `|` or `>` header) comes as one token at a line start: text, not structure.
  let afterBlockHeader = false;
  const fail = (): never => {
    throw new FileValidationError(
      'too_complex',
      `nesting deeper than ${maxDepth} levels at line ${line}, column ${column}: a course catalogue is a list of flat course mappings (lessons and tags one level below)`,
      { context: 'depthYaml', max: maxDepth, line, column },
    );
  };
  const open = () => {
    if (indents.length + entriesOnLine + flow > maxDepth) fail();
  };
  for (const token of new Lexer().lex(text)) {
    if (token === '\n' || token === '\r\n') {
      line++;
      column = 1;
      lineStart = true;
      indent = 0;
      entriesOnLine = 0;
      continue;
    }
    if (token === DOCUMENT || token === SCALAR) continue;
    const blockText = afterBlockHeader;
    // The Lexer gives a block scalar's text with its indentation: an indentation token means it was empty.
    afterBlockHeader = token.startsWith('|') || token.startsWith('>') || (afterBlockHeader && !lineStart && (token === ' ' || token.startsWith('#')));
    if (lineStart && blockText && !/^[ \t]+$/.test(token)) lineStart = false;
    if (lineStart) {
      if (/^[ \t]+$/.test(token)) {
        indent = token.length;
        column += token.length;
        continue;
      }
      lineStart = false;
      // A comment line says nothing about the structure; inside a flow collection indentation means nothing.
      if (!token.startsWith('#') && flow === 0) {
        while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
        // A line that starts with a flow collection: that collection is the node at this indentation, counted below.
        if (token !== '[' && token !== '{') {
          indents.push(indent);
          open();
        }
      }
    }
    if (token === '[' || token === '{') {
      flow++;
      open();
    } else if (token === ']' || token === '}') {
      flow = Math.max(0, flow - 1);
    } else if ((token === '-' || token === '?') && flow === 0) {
      entriesOnLine++;
      open();
    }
    const newlines = token.split('\n').length - 1;
    if (newlines > 0) {
      line += newlines;
      column = token.length - token.lastIndexOf('\n');
      // A block scalar's token carries its last line break: the next token starts a line.
      if (token.endsWith('\n')) {
        lineStart = true;
        indent = 0;
        entriesOnLine = 0;
      }
    } else {
      column += token.length;
    }
  }
}
