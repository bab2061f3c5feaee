// Run by `npm test` and `npm run bench` before they start: removes what earlier interrupted runs left on the
// shared services (test/support/cleanup.ts). TEST_SWEEP_AGE (minutes, default 120) protects runs of other
// shells going on now: only what is older is removed.
import { loadConfig } from '../../src/config';
import { createSql } from '../../src/db/client';
import { createSearchClient } from '../../src/search/client';
import { connectClient } from '../../src/temporal/connect';
import { sweepLeftovers } from './cleanup';

const config = loadConfig();
const sql = createSql(config.databaseUrl, 2, 'public');
const es = createSearchClient(config.elasticsearch.url);
const client = await connectClient(config.temporal);
try {
  const minutes = Number(process.env.TEST_SWEEP_AGE ?? 120);
  const r = await sweepLeftovers({ client, sql, es }, minutes * 60_000);
  const total = r.schedules.length + r.workflows + r.schemas.length + r.indices.length + r.folders.length;
  if (total > 0) {
    process.stderr.write(
      `[sweep] removed what interrupted runs left (older than ${minutes} min): ${r.schedules.length} schedules, ${r.workflows} workflows, ` +
        `${r.schemas.length} schemas, ${r.indices.length} indices, ${r.folders.length} folders\n`,
    );
  }
} finally {
  await sql.end({ timeout: 5 });
  await es.close();
  await client.connection.close();
}
