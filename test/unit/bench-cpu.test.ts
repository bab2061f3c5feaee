import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuSpent, readCpu, unmeasuredServices } from '../../bench/cpu';

// The benchmark's CPU figures (issue 17, W1 and W7) come from these readings: a reading that finds no process
// printed 0 ms per 1,000 courses, and the target as met.
test('the CPU a process spends between two readings is read from /proc', async () => {
  const before = await readCpu(process.pid);
  assert.ok(before.worker > 0, `the process's CPU so far is read (got ${before.worker} s)`);
  // Burn at least 0.3 s of CPU: /proc counts in clock ticks (10 ms).
  const until = process.cpuUsage().user + 300_000;
  while (process.cpuUsage().user < until) Math.sqrt(Math.random());
  const spent = cpuSpent(before, await readCpu(process.pid));
  assert.ok(spent.worker >= 0.2 && spent.worker < 5, `about 0.3 s spent (read ${spent.worker} s)`);
});

test('a service that read no CPU over a whole import is named as not measured', () => {
  assert.deepEqual(unmeasuredServices({ worker: 0.4, postgres: 0, elasticsearch: 1.2 }), ['postgres']);
  assert.deepEqual(unmeasuredServices({ worker: 0, postgres: 0, elasticsearch: 0 }), ['worker', 'postgres', 'elasticsearch']);
  assert.deepEqual(unmeasuredServices({ worker: 0.01, postgres: 0.5, elasticsearch: 0.3 }), []);
});
