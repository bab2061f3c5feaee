// Writes the README's configuration table from the variables' declarations (src/config.ts, src/notify/routing.ts):
// the table is never edited by hand. Run after adding or changing a variable: `npm run config-docs`; the unit test
// test/unit/config-docs.test.ts fails while the README differs from what this writes.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema } from '../config';
import { notificationSchema } from '../notify/routing';
import { configTable } from '../config-docs';
import { projectPath } from '../paths';

export const readmeFile = projectPath('README.md');
export const TABLE_START = '<!-- configuration table: written by `npm run config-docs` from src/config.ts and src/notify/routing.ts -->';
export const TABLE_END = '<!-- end of the configuration table -->';

/** The README's text with the table between its markers replaced. Throws when a marker is missing. */
export function withConfigTable(readme: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md: the markers of the configuration table are missing`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${configTable([configSchema, notificationSchema])}\n${readme.slice(end)}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(readmeFile, withConfigTable(readFileSync(readmeFile, 'utf8')));
  console.log(`wrote the configuration table of ${path.relative(process.cwd(), readmeFile)}`);
}
