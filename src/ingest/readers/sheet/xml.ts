// XML parts of a zip, parsed as they are decompressed: saxes (a well-kept, conformant SAX parser) over
// yauzl's entry streams. Element and attribute names are given without their namespace prefix, since
// producers differ (`<row>`, `<x:row>`; `r:id`, `relationships:id`) while the local names are fixed by the
// specifications. Documents with a DTD never get here (zip-inspect.ts refuses them).

import { StringDecoder } from 'node:string_decoder';
import { SaxesParser } from 'saxes';

/**
 * The longest run of characters between two '<' a parser accepts (a text node, or a tag with its
 * attributes): saxes holds a whole text node before handing it over, so without a bound a few KB of
 * compressed XML could make it hold hundreds of MB. Excel holds at most 32 767 characters per cell.
 */
export const MAX_XML_TEXT_RUN = 1_000_000;

/** A text node or tag longer than the parser's bound (MAX_XML_TEXT_RUN, or the one given). */
export class XmlTextRunError extends Error {
  constructor(readonly limit: number) {
    super(`a text of more than ${limit} characters between two XML tags`);
  }
}

/**
 * XML that is not well-formed: saxes's own error (its message, without a position), with the part of the archive
 * it was read from (`xl/worksheets/sheet1.xml`, '?' when the caller did not name it). An error thrown by a handler
 * is not one.
 */
export class XmlWellFormednessError extends Error {
  constructor(message: string, readonly part: string) {
    super(message);
    this.name = 'XmlWellFormednessError';
  }
}

export interface XmlHandlers {
  open?(name: string, attrs: Readonly<Record<string, string>>): void;
  close?(name: string): void;
  text?(text: string): void;
}

/** The local part of a qualified XML name: `x:row` → `row`. */
export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/** Attributes by local name (the first wins when two prefixes share one, which no producer does). */
function localAttrs(attrs: Record<string, string>): Record<string, string> {
  let prefixed = false;
  for (const key in attrs) if (key.includes(':')) { prefixed = true; break; }
  if (!prefixed) return attrs;
  const out: Record<string, string> = {};
  for (const key in attrs) {
    const local = localName(key);
    if (!(local in out)) out[local] = attrs[key]!;
  }
  return out;
}

/**
 * A push parser fed with raw bytes: UTF-8 (with or without BOM) or UTF-16 with a BOM, as XML 1.0 §4.3.3
 * allows. Throws (from write / end) the parser's error on malformed XML, and XmlTextRunError past
 * `maxTextRun` characters between two '<'. `part`: the archive's part being read, named by XmlWellFormednessError.
 */
export class XmlByteParser {
  private readonly parser = new SaxesParser({ position: false });
  private decoder: StringDecoder | undefined;
  private first = true;
  /** Characters since the last '<' (the run in progress). */
  private run = 0;

  constructor(handlers: XmlHandlers, private readonly maxTextRun = MAX_XML_TEXT_RUN, part = '?') {
    const { open, close, text } = handlers;
    if (open) this.parser.on('opentag', (tag) => open(localName(tag.name), localAttrs(tag.attributes as Record<string, string>)));
    if (close) this.parser.on('closetag', (tag) => close(localName(tag.name)));
    if (text) this.parser.on('text', text);
    // saxes calls this for a well-formedness error (and throws the error itself without it): told apart from an
    // error of a handler, so the reader can say the file's XML is broken.
    this.parser.on('error', (err) => {
      throw new XmlWellFormednessError(err.message, part);
    });
  }

  write(chunk: Buffer): void {
    let bytes = chunk;
    if (this.first) {
      this.first = false;
      if (bytes[0] === 0xff && bytes[1] === 0xfe) {
        this.decoder = new StringDecoder('utf16le');
        bytes = bytes.subarray(2);
      } else {
        this.decoder = new StringDecoder('utf8');
        if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
      }
    }
    const s = this.decoder!.write(bytes);
    if (s.length > 0) {
      this.checkRuns(s);
      this.parser.write(s);
    }
  }

  /**
   * Throws XmlTextRunError when a run between two '<' would exceed the bound. Two native searches per chunk:
   * a run inside one chunk is shorter than the chunk, so only a chunk longer than the bound is scanned whole.
   */
  private checkRuns(s: string): void {
    const first = s.indexOf('<');
    if (first < 0) {
      this.run += s.length;
    } else {
      if (this.run + first > this.maxTextRun) throw new XmlTextRunError(this.maxTextRun);
      if (s.length > this.maxTextRun) {
        for (let at = first, next = s.indexOf('<', at + 1); next >= 0; at = next, next = s.indexOf('<', at + 1)) {
          if (next - at - 1 > this.maxTextRun) throw new XmlTextRunError(this.maxTextRun);
        }
      }
      this.run = s.length - s.lastIndexOf('<') - 1;
    }
    if (this.run > this.maxTextRun) throw new XmlTextRunError(this.maxTextRun);
  }

  end(): void {
    const rest = this.decoder?.end() ?? '';
    if (rest.length > 0) {
      this.checkRuns(rest);
      this.parser.write(rest);
    }
    this.parser.close();
  }
}

/** Parses a whole byte stream (an entry of the archive). Rejects on malformed XML or a stream error. */
export async function parseXmlStream(stream: AsyncIterable<Buffer>, handlers: XmlHandlers, maxTextRun = MAX_XML_TEXT_RUN, part = '?'): Promise<void> {
  const parser = new XmlByteParser(handlers, maxTextRun, part);
  for await (const chunk of stream) parser.write(chunk);
  parser.end();
}
