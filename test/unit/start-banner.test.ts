// `npm start` prints where to drop files: with INGEST_DIR set, the folders it prints (and creates) are the ones the
// watcher watches, not ./ingest/drop/ (issue 11). The banner is the command infra/start.sh runs; it reads the same
// configuration as the processes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.join(import.meta.dirname, '..', '..');
const BANNER = 'node --import tsx src/supervisor/banner.ts';

test('npm start prints and creates the folders of INGEST_DIR', async () => {
  const startSh = await readFile(path.join(root, 'infra', 'start.sh'), 'utf8');
  assert.ok(startSh.includes(BANNER), 'infra/start.sh prints the banner from the configuration');
  assert.doesNotMatch(startSh, /ingest\/drop/, 'no hard-coded drop folder left in infra/start.sh');

  const dir = await mkdtemp(path.join(tmpdir(), 'banner-'));
  const ingest = path.join(dir, 'elsewhere');
  try {
    const [command, ...args] = BANNER.split(' ');
    const run = spawnSync(command === 'node' ? process.execPath : command!, args, {
      cwd: root,
      encoding: 'utf8',
      // The banner reads the configuration only: no service is contacted.
      env: { ...process.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', INGEST_DIR: ingest, PORT: '8123', HOST: '0.0.0.0' },
    });
    assert.equal(run.status, 0, run.stderr);
    assert.ok(run.stderr.includes(`drop files into ${path.join(ingest, 'drop')}${path.sep}`), run.stderr);
    assert.ok(run.stderr.includes(`to ${path.join(ingest, 'error')}${path.sep}`), run.stderr);
    assert.ok(run.stderr.includes('admin: http://127.0.0.1:8123/admin-dashboard/'), run.stderr);
    assert.doesNotMatch(run.stderr, new RegExp(`${root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/ingest/`), 'the default folder is not printed');
    assert.deepEqual((await readdir(ingest)).sort(), ['drop', 'error', 'incoming', 'processed', 'processing']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an invalid configuration stops npm start at the banner with its message', () => {
  const [, ...args] = BANNER.split(' ');
  const run = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', PORT: 'eighty' } });
  assert.equal(run.status, 1);
  assert.match(run.stderr, /PORT/);
});
