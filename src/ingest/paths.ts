import path from 'node:path';

// The ingest area: drop/ is watched; incoming/ receives uploads and CLI copies (not watched);
// processing/, processed/ and error/ belong to the workflow.
export const INGEST_FOLDERS = ['drop', 'incoming', 'processing', 'processed', 'error'] as const;
export type IngestFolder = (typeof INGEST_FOLDERS)[number];

export function ingestPath(root: string, folder: IngestFolder, name?: string): string {
  return name === undefined ? path.join(root, folder) : path.join(root, folder, name);
}

/** A file's own name is never used as a path: keep a readable, safe basename and prefix the import id. */
export function storedName(importId: string, fileName: string): string {
  const base = path.basename(fileName.replace(/\\/g, '/'));
  const ext = path.extname(base).toLowerCase().replace(/[^.a-z0-9]/g, '').slice(0, 10);
  const stem = base
    .slice(0, base.length - path.extname(base).length)
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(0, 80);
  return `${importId}__${stem || 'file'}${ext}`;
}

/** The import id that storedName() put in front of a name, if any. */
export function importIdFromStoredName(name: string): string | null {
  const m = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})__/.exec(name);
  return m?.[1] ?? null;
}

export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, path.resolve(candidate));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
