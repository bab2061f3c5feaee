import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isOpenForWriting } from '../../src/watcher/open-files';
import { tempDir } from './helpers/files';

const dir = tempDir();

// The project runs on Linux (README): procfs is there, and the rule must work.
test('a file open for writing is seen as such; open for reading only, or closed, it is not', async () => {
  const file = path.join(dir, 'catalogue.csv');
  await writeFile(file, 'title\n');
  assert.equal(await isOpenForWriting(file), false);
  const writer = await open(file, 'a');
  assert.equal(await isOpenForWriting(file), true);
  await writer.close();
  const reader = await open(file, 'r');
  assert.equal(await isOpenForWriting(file), false);
  await reader.close();
  const rw = await open(file, 'r+');
  assert.equal(await isOpenForWriting(file), true);
  await rw.close();
});

test('without procfs the answer is "cannot tell"', async () => {
  assert.equal(await isOpenForWriting(path.join(dir, 'x'), path.join(dir, 'no-proc')), null);
});

test('files asked about at once (a burst into drop/) each get their own answer', async () => {
  const files = await Promise.all(Array.from({ length: 40 }, async (_, i) => {
    const file = path.join(dir, `burst-${i}.csv`);
    await writeFile(file, 'title\n');
    return file;
  }));
  const writer = await open(files[7]!, 'a');
  try {
    const answers = await Promise.all(files.map((f) => isOpenForWriting(f)));
    assert.deepEqual(answers, files.map((_, i) => i === 7));
  } finally {
    await writer.close();
  }
  assert.equal(await isOpenForWriting(files[7]!), false);
});
