// Writes public/schemas/course.schema.json from the zod schema (src/domain/course-file-schema.ts): the schema is
// never written by hand. Run after changing the course format: `npm run schemas`; the unit test
// test/unit/course-file-schema.test.ts fails while the committed file differs from what this writes.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { courseFileJsonSchemaText } from '../domain/course-file-schema';
import { projectPath } from '../paths';

export const schemaFile = projectPath('public', 'schemas', 'course.schema.json');

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(schemaFile, courseFileJsonSchemaText());
  console.log(`wrote ${path.relative(process.cwd(), schemaFile)}`);
}
