// XML streams like CSV and JSON: a file at the 10 MB limit is read one <course> at a time. YAML is parsed whole
// (yaml.ts says why) and cut into courses: a file at the limit must be read in a child process with the worker's
// heap (192 MB, package.json), where the whole-document parse (~750 MB) ran out. XML's peak RSS is sampled while
// reading (node --test runs each file in its own process), as readers-memory.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_READER_LIMITS } from '../../src/domain/types';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tempDir } from './helpers/files';
import { MB, TEN_MB, peakWhileReading, writeTenMb } from './helpers/memory';

const helper = fileURLToPath(new URL('./helpers/count-rows.ts', import.meta.url));

const dir = tempDir();
const limits = { ...DEFAULT_READER_LIMITS, maxFileBytes: TEN_MB, maxRows: 1_000_000 };

function course(i: number): { title: string; description: string; price: string; lessons: string[]; tags: string[] } {
  return {
    title: `Course ${i} ${Math.random().toString(36).slice(2)}`,
    description: `Description of course ${i}: ${Math.random().toString(36).repeat(3)} & more`,
    price: '49,99',
    lessons: ['Intro', 'Variables', 'Functions'],
    tags: ['python', 'web'],
  };
}

test('a 10 MB XML file is streamed one course at a time', async (t) => {
  const file = path.join(dir, 'big.xml');
  const count = await writeTenMb(file, {
    head: '<?xml version="1.0" encoding="UTF-8"?>\n<courses>\n',
    item: (i) => {
      const c = course(i);
      return `<course><title>${c.title}</title><description>${c.description.replace('&', '&amp;')}</description><price>${c.price}</price><lessons>${c.lessons.map((l, i) => `<lesson order="${i + 1}"><title>${l}</title></lesson>`).join('')}</lessons><tags>${c.tags.map((x) => `<tag>${x}</tag>`).join('')}</tags></course>\n`;
    },
    tail: '</courses>\n',
  });
  assert.ok(statSync(file).size > 9 * MB && statSync(file).size <= limits.maxFileBytes, `size ${statSync(file).size}`);
  const { rows, growth, heapGrowth } = await peakWhileReading('xml', file, limits);
  t.diagnostic(`${rows} courses, RSS +${Math.round(growth / MB)} MB, heap +${Math.round(heapGrowth / MB)} MB`);
  assert.equal(rows, count);
  // Holding the courses of a 10 MB file would take several times its size; streaming keeps a chunk's worth.
  assert.ok(growth < 100 * MB, `RSS grew by ${Math.round(growth / MB)} MB`);
});

test('a 10 MB YAML file is parsed course by course within the worker\'s heap', async (t) => {
  const file = path.join(dir, 'big.yaml');
  const count = await writeTenMb(file, {
    head: 'courses:\n',
    item: (i) => {
      const c = course(i);
      return `  - title: "${c.title}"\n    description: "${c.description}"\n    price: "${c.price}"\n    lessons: [${c.lessons.join(', ')}]\n    tags: [${c.tags.join(', ')}]\n`;
    },
  });
  assert.ok(statSync(file).size > 9 * MB && statSync(file).size <= limits.maxFileBytes, `size ${statSync(file).size}`);
  // In a child process with the worker's heap flags (package.json "worker"): it must finish, not run out of heap.
  const child = spawnSync(process.execPath, ['--max-semi-space-size=8', '--max-old-space-size=192', '--import', 'tsx', helper, 'yaml', file], { encoding: 'utf8', timeout: 240_000 });
  assert.equal(child.status, 0, `the reader failed in a 192 MB heap: ${child.stderr.slice(-500)}`);
  const { rows, heapMB } = JSON.parse(child.stdout.trim()) as { rows: number; heapMB: number };
  t.diagnostic(`${rows} courses, heap at most ${heapMB} MB with --max-old-space-size=192`);
  assert.equal(rows, count);
});
