// The Prometheus alert rules shipped with the deployment (infra/prometheus/alerts.yml) are loaded by its
// configuration, mounted into the container, and use only metrics the application exports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { registry } from '../../src/metrics/registry';
import '../../src/metrics/components';

const infra = path.join(import.meta.dirname, '..', '..', 'infra');
const read = (f: string) => readFile(path.join(infra, f), 'utf8');

test('the alert rules are loaded and mounted, and watch the watcher and the workers', async () => {
  const prom = parse(await read('prometheus/prometheus.yml')) as { rule_files?: string[] };
  assert.deepEqual(prom.rule_files, ['alerts.yml']);
  assert.match(await read('docker-compose.yml'), /\.\/prometheus\/alerts\.yml:\/etc\/prometheus\/alerts\.yml:ro/);
  const rules = (parse(await read('prometheus/alerts.yml')) as { groups: { rules: { alert: string; expr: string }[] }[] }).groups.flatMap((g) => g.rules);
  const exported = new Set((await registry.getMetricsAsJSON()).map((m) => m.name));
  for (const rule of rules) {
    for (const metric of rule.expr.match(/course_import_[a-z_]+/g) ?? []) assert.ok(exported.has(metric), `${rule.alert}: ${metric} is not exported`);
  }
  for (const component of ['watcher', 'worker']) {
    assert.ok(rules.some((r) => r.expr.includes(`course_import_component_up{component="${component}"} == 0`)), `an alert for the ${component}`);
  }
});
