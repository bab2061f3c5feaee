// The Docker deployment cannot run here (no engine): what can be checked without one is checked, so the
// compose file, Prometheus and Grafana stay consistent with the application's real variables, ports and metrics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { CONFIG_VARIABLES } from '../../src/config';
import { NOTIFICATION_VARIABLES } from '../../src/notify/routing';
import { registry } from '../../src/metrics/registry';

const infra = path.join(import.meta.dirname, '..', '..', 'infra');
const read = (p: string) => readFile(path.join(infra, p), 'utf8');

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: unknown;
}

async function compose(): Promise<{ services: Record<string, ComposeService>; volumes: Record<string, unknown> }> {
  return parse(await read('docker-compose.yml'), { merge: true }) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };
}

const appServices = ['server', 'worker', 'watcher'] as const;

test('the compose file has every service the deployment promises', async () => {
  const { services } = await compose();
  for (const s of ['postgres', 'elasticsearch', 'kibana', 'temporal', 'temporal-ui', 'server', 'worker', 'watcher', 'nginx', 'prometheus', 'grafana']) {
    assert.ok(services[s], `service ${s}`);
  }
});

test('the application services only set variables the application reads', async () => {
  const { services } = await compose();
  const known = new Set<string>([...CONFIG_VARIABLES, ...NOTIFICATION_VARIABLES, 'METRICS_HOST', 'NODE_ENV']);
  for (const name of appServices) {
    const env = services[name]?.environment ?? {};
    assert.ok(Object.keys(env).length > 0, `${name} has an environment`);
    for (const key of Object.keys(env)) assert.ok(known.has(key), `${name}: ${key} is not a configuration variable of the application`);
    assert.match(env.DATABASE_URL ?? '', /^postgres:\/\/.+@postgres:5432\//);
    assert.equal(env.TEMPORAL_ADDRESS, 'temporal:7233');
    assert.equal(env.ELASTICSEARCH_URL, 'http://elasticsearch:9200');
  }
});

test('each process runs its own npm script, and those scripts exist', async () => {
  const { services } = await compose();
  const pkg = JSON.parse(await readFile(path.join(infra, '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  for (const name of appServices) {
    const cmd = services[name]?.command ?? [];
    assert.deepEqual(cmd.slice(0, 2), ['npm', 'run']);
    assert.ok(pkg.scripts[cmd[2]!], `npm script ${cmd[2]} for ${name}`);
  }
});

test('the ingest folders are named volumes shared by the three processes, as in the original specification', async () => {
  const { services, volumes } = await compose();
  for (const folder of ['drop', 'processing', 'processed', 'error']) {
    assert.ok(`ingest_${folder}` in volumes, `volume ingest_${folder}`);
    for (const name of appServices) assert.ok(services[name]?.volumes?.includes(`ingest_${folder}:/app/ingest/${folder}`), `${name} mounts ingest_${folder}`);
  }
});

test('nginx forwards to the server port and accepts uploads up to the size limit', async () => {
  const { services } = await compose();
  const nginx = await read('nginx/nginx.conf');
  assert.match(nginx, new RegExp(`server server:${services.server?.environment?.PORT}`));
  const mb = Number(/client_max_body_size (\d+)m/.exec(nginx)?.[1]);
  assert.ok(mb > Number(services.server?.environment?.MAX_FILE_MB), 'uploads at the limit are not cut by nginx');
});

test('Prometheus scrapes the ports the worker exposes', async () => {
  const { services } = await compose();
  const prom = parse(await read('prometheus/prometheus.yml')) as { scrape_configs: { static_configs: { targets: string[] }[] }[] };
  const targets = prom.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets));
  const env = services.worker?.environment ?? {};
  assert.ok(targets.includes(`worker:${env.WORKER_METRICS_PORT}`));
  assert.ok(targets.includes(`worker:${env.TEMPORAL_METRICS_PORT}`));
});

test('the Grafana dashboard uses the provisioned data source and only metrics the application exports', async () => {
  const ds = parse(await read('grafana/provisioning/datasources/prometheus.yml')) as { datasources: { uid: string }[] };
  const uid = ds.datasources[0]!.uid;
  const dashboard = JSON.parse(await read('grafana/dashboards/course-import.json')) as { uid: string; panels: { title: string; datasource: { uid: string }; targets: { expr: string }[] }[] };
  assert.ok(dashboard.panels.length >= 6);
  const exported = new Set((await registry.getMetricsAsJSON()).map((m) => m.name));
  for (const panel of dashboard.panels) {
    assert.equal(panel.datasource.uid, uid, panel.title);
    for (const target of panel.targets) {
      for (const metric of target.expr.match(/course_import_[a-z_]+/g) ?? []) {
        const base = metric.replace(/_(bucket|count|sum)$/, '');
        assert.ok(exported.has(base), `${panel.title}: ${metric} is not exported`);
      }
    }
  }
});
