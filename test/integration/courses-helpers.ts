// Shared by the courses-*.test.ts files: import a catalogue through the real pipeline and wait for its end.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestEnv } from '../support/env';
import { startImport } from '../../src/temporal/start-import';
import type { ImportSummary } from '../../src/contract';
import type { CourseQuery } from '../../src/courses/filters';
import { parseCourseQuery } from '../../src/courses/filters';
import { importOutcome } from '../../src/temporal/import-outcome';

export async function importFile(t: TestEnv, fileName: string, content: string | Buffer): Promise<ImportSummary> {
  const file = path.join(t.folder('incoming'), `${Date.now()}-${Math.random().toString(36).slice(2)}-${fileName}`);
  await writeFile(file, content);
  const started = await startImport(t.client, t.config, { path: file, fileName, source: 'api', mode: 'create_or_update', dryRun: false, startedBy: 'test' });
  // The workflow id is the content's hash across the namespace: the same file open in another test run would be
  // waited on forever under its task queue. Fail at once instead.
  if (!started.started) throw new Error(`the same content is being imported elsewhere (${started.workflowId})`);
  return importOutcome(t.client.workflow.getHandle(started.workflowId));
}

export async function importJson(t: TestEnv, rows: Record<string, unknown>[], fileName = 'courses.json'): Promise<ImportSummary> {
  // Trailing whitespace unique to this test environment: same courses, another file hash, so concurrent runs
  // of the suite never share an import workflow.
  const salt = [...t.name].map((c) => (c.charCodeAt(0) % 2 ? ' ' : '\t')).join('');
  return importFile(t, fileName, `${JSON.stringify(rows)}\n${salt}\n`);
}

export function query(params: Record<string, string | string[]>): CourseQuery {
  return parseCourseQuery(params);
}

export function course(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title,
    description: `About ${title}`,
    category: 'Programmation',
    instructor: 'Jean Dupont',
    duration: 5,
    difficulty: 'beginner',
    learning_mode: 'text',
    price: 0,
    is_free: true,
    lessons: ['Intro'],
    tags: ['test'],
    ...extra,
  };
}
