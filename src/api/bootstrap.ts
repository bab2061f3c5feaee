import type { Config } from '../config';
import type { Sql } from '../db/client';
import type { Logger } from '../logger';
import { recordAudit } from '../db/audit';
import { countUsers, insertFirstAdmin } from '../db/users';
import { hashPassword, passwordProblem } from './passwords';

/**
 * ADMIN_EMAIL + ADMIN_PASSWORD create the first admin when no account exists yet; once any account exists they
 * are ignored (changing them later changes nothing: use the Users page or `npm run create-admin`).
 */
export async function ensureFirstAdmin(sql: Sql, config: Config, log: Logger): Promise<void> {
  if ((await countUsers(sql)) > 0) return;
  const admin = config.bootstrapAdmin;
  if (!admin) {
    log.warn('no staff account yet: run `npm run create-admin -- --email you@example.com`, or set ADMIN_EMAIL and ADMIN_PASSWORD');
    return;
  }
  const problem = passwordProblem(admin.password);
  if (problem) throw new Error(`ADMIN_PASSWORD: ${problem}`);
  if (await insertFirstAdmin(sql, admin.email, await hashPassword(admin.password))) {
    await recordAudit(sql, { actor: 'system', action: 'user.create', target: admin.email, ip: '-', detail: { role: 'admin', from: 'ADMIN_EMAIL' } });
    log.info({ email: admin.email }, 'first admin created from ADMIN_EMAIL');
  }
}
