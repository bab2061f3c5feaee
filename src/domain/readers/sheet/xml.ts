// XML parts of a zip, parsed as they are decompressed: saxes (a well-kept, conformant SAX parser) over
// yauzl's entry streams. Element and attribute names are given without their namespace prefix, since
// producers differ (`<row>`, `<x:row>`; `r:id`, `relationships:id`) while the local names are fixed by the
// specifications. Documents with a DTD never get here (zip-inspect.ts refuses them).

import { StringDecoder } from 'node:string_decoder';
import { SaxesParser } from 'saxes';

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
 * allows. Throws (from write / end) the parser's error on malformed XML.
 */
export class XmlByteParser {
  private readonly parser = new SaxesParser({ position: false });
  private decoder: StringDecoder | undefined;
  private first = true;

  constructor(handlers: XmlHandlers) {
    const { open, close, text } = handlers;
    if (open) this.parser.on('opentag', (tag) => open(localName(tag.name), localAttrs(tag.attributes as Record<string, string>)));
    if (close) this.parser.on('closetag', (tag) => close(localName(tag.name)));
    if (text) this.parser.on('text', text);
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
    if (s.length > 0) this.parser.write(s);
  }

  end(): void {
    const rest = this.decoder?.end() ?? '';
    if (rest.length > 0) this.parser.write(rest);
    this.parser.close();
  }
}

/** Parses a whole byte stream (an entry of the archive). Rejects on malformed XML or a stream error. */
export async function parseXmlStream(stream: AsyncIterable<Buffer>, handlers: XmlHandlers): Promise<void> {
  const parser = new XmlByteParser(handlers);
  for await (const chunk of stream) parser.write(chunk);
  parser.end();
}
