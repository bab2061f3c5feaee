// Validation rules set by an admin (issue 12): table validation_rules (migration 016), one row per scope ('' is
// global, otherwise a column mapping profile's name), and the snapshot an import runs with (imports.validation_rules).
import type { Sql } from './client';
import { effectiveRules, isEmptyRules, NO_RULES, validationRulesSchema, type ValidationRules } from '../domain/validation-rules';

/** The scope of the global rules. */
export const GLOBAL_SCOPE = '';

export interface StoredRules {
  scope: string;
  rules: ValidationRules;
  updated_by: string | null;
  updated_at: Date;
}

/** Stored rules read back through the schema: a row written by an older version never breaks an import. */
function read(raw: unknown): ValidationRules {
  const parsed = validationRulesSchema.safeParse({ ...NO_RULES, ...(typeof raw === 'object' && raw !== null ? raw : {}) });
  return parsed.success ? parsed.data : NO_RULES;
}

/** Every scope that has rules, the global one first then profiles by name. */
export async function listRules(sql: Sql): Promise<StoredRules[]> {
  const rows = await sql<(Omit<StoredRules, 'rules'> & { rules: unknown })[]>`
    SELECT scope, rules, updated_by, updated_at FROM validation_rules ORDER BY scope <> '', scope`;
  return rows.map((r) => ({ ...r, rules: read(r.rules) }));
}

/** The rules of one scope; NO_RULES when it has none. */
export async function scopeRules(sql: Sql, scope: string): Promise<ValidationRules> {
  const [row] = await sql<{ rules: unknown }[]>`SELECT rules FROM validation_rules WHERE scope = ${scope}`;
  return row ? read(row.rules) : NO_RULES;
}

/** Saves the rules of a scope (validated by the caller with validationRulesSchema); rules that set nothing delete it. */
export async function saveRules(sql: Sql, scope: string, rules: ValidationRules, actor: string): Promise<void> {
  if (isEmptyRules(rules)) {
    await sql`DELETE FROM validation_rules WHERE scope = ${scope}`;
    return;
  }
  await sql`
    INSERT INTO validation_rules (scope, rules, updated_by, updated_at) VALUES (${scope}, ${sql.json(rules as never)}, ${actor}, now())
    ON CONFLICT (scope) DO UPDATE SET rules = EXCLUDED.rules, updated_by = EXCLUDED.updated_by, updated_at = now()`;
}

/** The rules an import with this mapping profile (or none) would run with now: global, with the profile's on top. */
export async function rulesFor(sql: Sql, profileName: string | null): Promise<ValidationRules> {
  const global = await scopeRules(sql, GLOBAL_SCOPE);
  if (!profileName) return global;
  const [row] = await sql<{ rules: unknown }[]>`SELECT rules FROM validation_rules WHERE scope = ${profileName}`;
  return effectiveRules(global, row ? read(row.rules) : null);
}

/**
 * The rules of an import: the snapshot taken the first time its rows were read, or, the first time, the rules in
 * force now (global + its mapping profile's), recorded on the import. A retried or resumed step gets the same
 * rules, whatever an admin changed meanwhile. The profile's name is read from the import's row as text (another
 * feature's column, absent before it): rules are keyed by the name only.
 */
export async function importValidationRules(sql: Sql, importId: string): Promise<ValidationRules> {
  const [row] = await sql<{ rules: unknown; profile: string | null }[]>`
    SELECT validation_rules AS rules, to_jsonb(i) ->> 'mapping_profile_name' AS profile FROM imports i WHERE id = ${importId}`;
  if (!row) return NO_RULES;
  if (row.rules !== null) return read(row.rules);
  const rules = await rulesFor(sql, row.profile);
  // Only the first writer wins: two attempts racing (a timed-out one still running) agree on one snapshot.
  const [kept] = await sql<{ rules: unknown }[]>`
    UPDATE imports SET validation_rules = coalesce(validation_rules, ${sql.json(rules as never)}) WHERE id = ${importId}
    RETURNING validation_rules AS rules`;
  return kept ? read(kept.rules) : rules;
}
