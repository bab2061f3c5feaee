import type { Sql } from './client';

export interface AuditEntry {
  /** The staff email, 'token:<name>' for an API token, or 'system'. */
  actor: string;
  /** 'login', 'login_failed', 'logout', 'import', 'confirm', 'discard', 'cancel', 'revert', 'bulk.<action>', 'course.create', 'course.update', 'course.undo', 'reindex', 'user.create', 'token.create', 'token.revoke', … */
  action: string;
  target?: string | null;
  ip: string;
  detail?: object | null;
}

export interface AuditRecord {
  id: number;
  at: Date;
  actor: string;
  action: string;
  target: string | null;
  ip: string;
  detail: Record<string, unknown> | null;
}

export async function recordAudit(sql: Sql, entry: AuditEntry): Promise<void> {
  const detail = entry.detail ? sql.json(entry.detail as never) : null;
  await sql`
    INSERT INTO audit_log (actor, action, target, ip, detail)
    VALUES (${entry.actor}, ${entry.action}, ${entry.target ?? null}, ${entry.ip}, ${detail})`;
}

export interface AuditFilter {
  /** Exact action, or a prefix ending with '.' or '*' ('bulk.' matches every bulk action). */
  action?: string;
  /** Substring of the actor, case-insensitive. */
  actor?: string;
  target?: string;
}

function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function where(sql: Sql, f: AuditFilter) {
  const action = f.action?.trim();
  const actor = f.actor?.trim();
  const target = f.target?.trim();
  const actionPrefix = action && /[.*]$/.test(action) ? `${likeEscape(action.replace(/\*$/, ''))}%` : null;
  return sql`
    WHERE true
    ${action ? (actionPrefix ? sql`AND action LIKE ${actionPrefix}` : sql`AND action = ${action}`) : sql``}
    ${actor ? sql`AND actor ILIKE ${`%${likeEscape(actor)}%`}` : sql``}
    ${target ? sql`AND target = ${target}` : sql``}`;
}

export async function listAudit(sql: Sql, filter: AuditFilter, page: { limit: number; offset: number }): Promise<{ rows: AuditRecord[]; total: number }> {
  const rows = await sql<AuditRecord[]>`
    SELECT id, at, actor, action, target, ip, detail FROM audit_log ${where(sql, filter)}
    ORDER BY at DESC, id DESC LIMIT ${page.limit} OFFSET ${page.offset}`;
  const [c] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM audit_log ${where(sql, filter)}`;
  return { rows, total: c?.n ?? 0 };
}

/** The distinct actions seen, for the filter's choices. */
export async function auditActions(sql: Sql): Promise<string[]> {
  const rows = await sql<{ action: string }[]>`SELECT DISTINCT action FROM audit_log ORDER BY action`;
  return rows.map((r) => r.action);
}
