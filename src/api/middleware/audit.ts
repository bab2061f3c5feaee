import type { Context } from 'koa';
import { recordAudit } from '../../db/audit';

/** Records who (staff email, 'token:<name>' or 'anonymous') did what from which address. */
export async function auditFromCtx(ctx: Context, action: string, target?: string | null, detail?: object | null): Promise<void> {
  await recordAudit(ctx.deps.sql, { actor: ctx.state.user?.email ?? 'anonymous', action, target: target ?? null, ip: ctx.ip, detail: detail ?? null });
}
