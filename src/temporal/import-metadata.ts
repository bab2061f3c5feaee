// What the Temporal Web UI shows of an import run besides its id: Temporal's user metadata (a static summary and
// static details, markdown, fixed when the run starts).
import type { ImportInput } from '../contract';

/**
 * Text shown literally where Temporal renders markdown (user metadata, CommonMark): inline markup characters are
 * escaped everywhere, and what would open a block (a heading, a list item) at the start of the text.
 */
export function markdownText(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_{}[\]<>|~!]/g, (c) => `\\${c}`)
    .replace(/^([#+-])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

/**
 * The run's user metadata in the Temporal Web UI, so that a run reads as more than `import-<sha256>`: a one-line
 * summary (file, source, mode) and details (ids, size, who started it). Both are fixed at start; the result
 * shows as the run's status, its failure message and its current details (set by the workflow).
 */
export function importMetadata(input: ImportInput): { staticSummary: string; staticDetails: string } {
  const mode = `${input.mode.replace(/_/g, ' ')}${input.dryRun ? ', dry run' : ''}`;
  return {
    staticSummary: `${markdownText(input.fileName)} · ${input.source} · ${mode}`,
    staticDetails: [
      `**File:** ${markdownText(input.fileName)} (${input.sizeBytes} bytes)`,
      `**Source:** ${input.source}${input.startedBy ? ` · started by ${markdownText(input.startedBy)}` : ''}`,
      `**Mode:** ${mode}`,
      `**Import id:** ${input.importId}`,
      `**SHA-256:** ${input.sha256}`,
    ].join('\n\n'),
  };
}
