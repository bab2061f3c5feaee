import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { moveFile } from '../../src/ingest/move';

test('moves a file within one filesystem', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'move-'));
  await writeFile(path.join(dir, 'a.csv'), 'title\nA\n');
  await moveFile(path.join(dir, 'a.csv'), path.join(dir, 'b.csv'));
  assert.deepEqual(await readdir(dir), ['b.csv']);
  await rm(dir, { recursive: true });
});

test('moves a file across filesystems (separate volumes), leaving no temporary file', async () => {
  // /dev/shm is a tmpfs on Linux: a different device from the temp folder, so rename(2) fails with EXDEV.
  const a = await mkdtemp('/dev/shm/move-');
  const b = await mkdtemp(path.join(tmpdir(), 'move-'));
  assert.notEqual((await stat(a)).dev, (await stat(b)).dev, 'the two folders must be on different devices');
  await writeFile(path.join(a, 'x.json'), '[]');
  await moveFile(path.join(a, 'x.json'), path.join(b, 'x.json'));
  assert.deepEqual(await readdir(a), []);
  assert.deepEqual(await readdir(b), ['x.json']);
  assert.equal(await readFile(path.join(b, 'x.json'), 'utf8'), '[]');
  await rm(a, { recursive: true });
  await rm(b, { recursive: true });
});
