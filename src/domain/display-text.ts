// Text that people will read where it came from someone else: a file name above all. Unicode bidirectional
// controls make text display as something it is not ("invoice\u202Evsc.json" shows as "invoicenosj.csv",
// the Trojan Source class of CVE-2021-42574), and C0/C1 controls break lines, headers and terminals. Pure.

/**
 * The bidirectional formatting characters of Unicode (UAX #9, "Explicit Directional Embeddings, Overrides
 * and Isolates" and the implicit marks): ALM U+061C, LRM/RLM U+200E–U+200F, LRE/RLE/PDF/LRO/RLO
 * U+202A–U+202E, LRI/RLI/FSI/PDI U+2066–U+2069.
 */
export const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** C0 and C1 control characters and DEL, plus the bidirectional controls. */
export const UNSAFE_DISPLAY_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** The text without its bidirectional controls (the characters are removed, not replaced). */
export function stripBidiControls(value: string): string {
  return value.replace(BIDI_CONTROLS, '');
}

/**
 * A file's name as it is shown everywhere (admin pages, emails, webhook cards, logs, CLI output, the
 * Temporal search attribute): the last path segment (a browser may send "C:\fakepath\…"), without control
 * or bidirectional characters, trimmed, at most 255 UTF-16 units (never cutting a surrogate pair);
 * `fallback` when nothing is left.
 */
export function displayFileName(name: string | null | undefined, fallback = 'upload'): string {
  const normalised = (name ?? '').replace(/\\/g, '/');
  const base = normalised.slice(normalised.lastIndexOf('/') + 1).replace(UNSAFE_DISPLAY_CHARS, '').trim();
  let cut = base.slice(0, 255);
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return cut || fallback;
}
