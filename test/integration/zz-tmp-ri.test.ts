import { test } from 'node:test';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTestEnv } from '/work/main/test/support/env';
import { startImport } from '/work/main/src/temporal/start-import';
import { runningImports } from '/work/main/src/monitoring/status';
import { toCsv } from '/work/main/src/domain/templates';
test('x', async () => {
  const t = await createTestEnv('ri');
  await t.startWorker();
  const file = path.join(t.folder('incoming'), 'm.csv');
  await writeFile(file, toCsv([{ title: 'M', description: 'x', difficulty: 'beginner', learning_mode: 'text', price: 0, is_free: true }]));
  const s = await startImport(t.client, t.config, { path: file, fileName: 'm.csv', source: 'api', mode: 'create_or_update', dryRun: true, startedBy: 'x' });
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    try { console.log(JSON.stringify(await runningImports(t.client, t.sql, t.config.temporal.taskQueue))); } catch (e) { console.log('ERR', e); }
    const all = [];
    for await (const wf of t.client.workflow.list({ query: `WorkflowId = '${s.workflowId}'` })) all.push([wf.status.name, wf.type, wf.taskQueue]);
    console.log(JSON.stringify(all));
  }
  await t.client.workflow.getHandle(s.workflowId).terminate();
  await t.close();
});
