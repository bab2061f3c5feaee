// Text encodings of CSV files. UTF-8 (with or without BOM) whenever the sample is valid UTF-8; UTF-16
// when it starts with a byte-order mark; otherwise Windows-1252, which is what French Excel writes.
// chardet is asked only to recognise UTF-16/32 without a BOM (refused with a clear message): its guesses
// among single-byte code pages on short French samples are unreliable (windows-1250 and ISO-8859-2 score
// close behind), and ISO-8859-1 is a subset of Windows-1252 for text anyway.

import fs from 'node:fs';
import chardet from 'chardet';
import { FileValidationError } from '../types';

export type CsvEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export function detectCsvEncoding(sample: Buffer): CsvEncoding {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf-8';
  if (sample[0] === 0xff && sample[1] === 0xfe) return 'utf-16le';
  if (sample[0] === 0xfe && sample[1] === 0xff) return 'utf-16be';
  try {
    // stream: true so that a multi-byte character cut by the end of the sample is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return 'utf-8';
  } catch {
    // not UTF-8: fall through
  }
  const guess = chardet.detect(sample);
  if (guess !== null && /^UTF-(16|32)/i.test(guess)) {
    throw new FileValidationError('unreadable', `the file looks like ${guess} text without a byte-order mark; save it as "CSV UTF-8"`);
  }
  return 'windows-1252';
}

/** True when every byte is ASCII: the sample then says nothing about the encoding. */
export function isAscii(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b >= 0x80) return false;
  return true;
}

/** Streams the whole file through a strict UTF-8 decoder; false at the first invalid sequence. */
export async function isValidUtf8File(filePath: string): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of fs.createReadStream(filePath)) decoder.decode(chunk as Buffer, { stream: true });
    decoder.decode();
    return true;
  } catch (err) {
    if (err instanceof TypeError) return false;
    throw err;
  }
}

/**
 * The encoding of a whole file. The first 64 KB decide, except when they are pure ASCII and the file is
 * longer: a French export whose first thousand rows happen to have no accent would otherwise be read as
 * UTF-8 and its later "é" (Windows-1252) turned into U+FFFD. Only then is the file read once more.
 */
export async function detectFileEncoding(filePath: string, sample: Buffer, fileSize: number): Promise<CsvEncoding> {
  const fromSample = detectCsvEncoding(sample);
  if (fromSample === 'utf-8' && fileSize > sample.length && isAscii(sample)) {
    return (await isValidUtf8File(filePath)) ? 'utf-8' : 'windows-1252';
  }
  return fromSample;
}

// Windows-1252 differs from ISO-8859-1 only in 0x80–0x9F (€, œ, curly quotes…). Decoded by hand because
// Node's TextDecoder('windows-1252') decodes those bytes as Latin-1 control characters in some versions
// (nodejs/node#56542, #60888), which would turn "49,99 €" into "49,99 \u0080".
const CP1252_HIGH = [
  0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0xfffd, 0x017d, 0xfffd,
  0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0xfffd, 0x017e, 0x0178,
];

export function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  const CHUNK = 8192;
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const end = Math.min(bytes.length, start + CHUNK);
    const codes = new Array<number>(end - start);
    for (let i = start; i < end; i++) {
      const b = bytes[i]!;
      codes[i - start] = b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80]! : b;
    }
    out += String.fromCharCode(...codes);
  }
  return out;
}

/** A chunk-by-chunk decoder: multi-byte sequences split across chunks are handled. BOMs are dropped. */
export interface StreamDecoder {
  write(chunk: Uint8Array): string;
  end(): string;
}

export function createDecoder(encoding: CsvEncoding): StreamDecoder {
  if (encoding === 'windows-1252') {
    return { write: (chunk) => decodeWindows1252(chunk), end: () => '' };
  }
  const decoder = new TextDecoder(encoding);
  return {
    write: (chunk) => decoder.decode(chunk, { stream: true }),
    end: () => decoder.decode(),
  };
}
