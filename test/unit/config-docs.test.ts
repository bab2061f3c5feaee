// The README's configuration table is written from the variables' declarations (npm run config-docs): a variable
// added without its documentation, or a README edited by hand, fails here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { z } from 'zod';
import { CONFIG_VARIABLES, configSchema } from '../../src/config';
import { NOTIFICATION_VARIABLES, notificationSchema } from '../../src/notify/routing';
import { configTable, documented, variableDocs } from '../../src/config-docs';
import { readmeFile, withConfigTable } from '../../src/cli/write-config-docs';

test('the README carries the configuration table as the declarations write it (run npm run config-docs)', () => {
  const readme = readFileSync(readmeFile, 'utf8');
  assert.equal(readme, withConfigTable(readme));
});

test('every variable the processes read has one line, once', () => {
  const table = configTable([configSchema, notificationSchema]);
  const named = [...table.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
  assert.deepEqual(named, [...CONFIG_VARIABLES, ...Object.keys(notificationSchema.shape)]);
  assert.equal(new Set(named).size, named.length);
  assert.deepEqual([...NOTIFICATION_VARIABLES].sort(), Object.keys(notificationSchema.shape).sort());
  assert.match(table, /^\| `DRY_RUN_TIMEOUT` \| `24h` \| .+ \|$/m, 'a duration default is shown as written');
});

test('a variable declared without documentation cannot make a table', () => {
  const schema = z.object({ DOCUMENTED: documented(z.string().default('x'), 'a documented one', '`x`'), FORGOTTEN: z.string().optional() });
  assert.throws(() => configTable([schema]), /FORGOTTEN has no documentation/);
});

test('the default a line shows is the default the variable gets (writing it gives the same value)', () => {
  const problems: string[] = [];
  for (const schema of [configSchema, notificationSchema]) {
    for (const [name, field] of Object.entries(schema.shape)) {
      const shown = variableDocs.get(field as z.ZodType)?.shownDefault ?? '';
      const literal = /^`([^`]+)`$/.exec(shown)?.[1];
      if (literal === undefined) continue;
      const asDefault = (field as z.ZodType).safeParse(undefined);
      const asWritten = (field as z.ZodType).safeParse(literal);
      if (!asDefault.success || !asWritten.success || JSON.stringify(asDefault.data) !== JSON.stringify(asWritten.data)) {
        problems.push(`${name}: shows ${shown}, gets ${JSON.stringify(asDefault.success ? asDefault.data : asDefault.error.message)}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('the row limit follows the size limit unless MAX_ROWS is set', async () => {
  const { loadConfig } = await import('../../src/config');
  const env = { DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db' };
  assert.equal(loadConfig(env).limits.maxRows, 120_000);
  assert.equal(loadConfig({ ...env, MAX_FILE_MB: '100' }).limits.maxRows, 1_200_000);
  assert.equal(loadConfig({ ...env, MAX_FILE_MB: '100', MAX_ROWS: '5000' }).limits.maxRows, 5000);
  assert.throws(() => loadConfig({ ...env, MAX_ROWS: '0' }), /MAX_ROWS/);
});

test('links in notifications follow PORT when PUBLIC_URL is not set, and PUBLIC_URL when it is', async () => {
  const { loadConfig } = await import('../../src/config');
  const base = { DATABASE_URL: 'postgres://u@127.0.0.1:5432/db', ELASTICSEARCH_URL: 'http://127.0.0.1:9200', TEMPORAL_ADDRESS: '127.0.0.1:7233' };
  assert.equal(loadConfig({ ...base }).publicUrl, 'http://127.0.0.1:8000');
  assert.equal(loadConfig({ ...base, PORT: '8010' }).publicUrl, 'http://127.0.0.1:8010');
  const proxied = loadConfig({ ...base, PORT: '8010', PUBLIC_URL: 'https://cours.example.fr/' });
  assert.equal(proxied.publicUrl, 'https://cours.example.fr');
  assert.equal(proxied.server.cookieSecure, true);
});
