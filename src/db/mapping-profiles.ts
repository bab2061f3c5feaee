// Column mapping profiles (migration 015): names, their versions (append-only), the snapshot an import takes,
// and the drafts of the mapping page.
import type { Sql } from './client';
import { describeChanges, parseMappingRules, sameRules, type MappingRules } from '../domain/mapping';
import type { FileFormat } from '../domain/types';

export interface ProfileSummary {
  name: string;
  version: number;
  versions: number;
  updated_at: Date;
  updated_by: string | null;
}

export interface ProfileVersion {
  name: string;
  version: number;
  rules: MappingRules;
  change_note: string | null;
  created_by: string | null;
  created_at: Date;
}

/** A profile as an import names it: the version is fixed when the import starts. */
export interface ProfileRef {
  name: string;
  version: number;
}

/** Thrown when an import is started with a profile name that does not exist (a 422, a CLI exit 2). */
export class UnknownMappingProfileError extends Error {
  override readonly name = 'UnknownMappingProfileError';
  constructor(readonly profile: string) {
    super(`no mapping profile is named '${profile.slice(0, 100)}'`);
  }
}

/** Every profile with its latest version, by name. */
export async function listProfiles(sql: Sql): Promise<ProfileSummary[]> {
  return sql<ProfileSummary[]>`
    SELECT p.name, v.version, c.versions, v.created_at AS updated_at, v.created_by AS updated_by
    FROM mapping_profiles p
    JOIN LATERAL (SELECT version, created_at, created_by FROM mapping_profile_versions WHERE profile_id = p.id ORDER BY version DESC LIMIT 1) v ON true
    JOIN LATERAL (SELECT count(*)::int AS versions FROM mapping_profile_versions WHERE profile_id = p.id) c ON true
    ORDER BY p.name`;
}

function readRules(stored: unknown): MappingRules {
  const parsed = parseMappingRules(stored);
  // Stored rules were validated when saved; a row edited by hand into something else is a bug to see, not to guess.
  if (!parsed.ok) throw new Error(`stored mapping rules are invalid: ${parsed.problems.join('; ')}`);
  return parsed.rules;
}

/** A version of a profile (the latest without `version`), or null. */
export async function getProfileVersion(sql: Sql, name: string, version?: number): Promise<ProfileVersion | null> {
  const [row] = await sql<(Omit<ProfileVersion, 'rules'> & { rules: unknown })[]>`
    SELECT p.name, v.version, v.rules, v.change_note, v.created_by, v.created_at
    FROM mapping_profiles p JOIN mapping_profile_versions v ON v.profile_id = p.id
    WHERE p.name = ${name} ${version === undefined ? sql`` : sql`AND v.version = ${version}`}
    ORDER BY v.version DESC LIMIT 1`;
  return row ? { ...row, rules: readRules(row.rules) } : null;
}

/** Every version of a profile, newest first (its history: who changed what, when). */
export async function profileHistory(sql: Sql, name: string): Promise<ProfileVersion[]> {
  const rows = await sql<(Omit<ProfileVersion, 'rules'> & { rules: unknown })[]>`
    SELECT p.name, v.version, v.rules, v.change_note, v.created_by, v.created_at
    FROM mapping_profiles p JOIN mapping_profile_versions v ON v.profile_id = p.id
    WHERE p.name = ${name} ORDER BY v.version DESC LIMIT 200`;
  return rows.map((r) => ({ ...r, rules: readRules(r.rules) }));
}

/** The latest version of the named profile, for an import to start with; throws UnknownMappingProfileError. */
export async function resolveProfile(sql: Sql, name: string): Promise<ProfileRef> {
  const [row] = await sql<ProfileRef[]>`
    SELECT p.name, max(v.version)::int AS version FROM mapping_profiles p JOIN mapping_profile_versions v ON v.profile_id = p.id
    WHERE p.name = ${name} GROUP BY p.name`;
  if (!row) throw new UnknownMappingProfileError(name);
  return row;
}

/**
 * Saves rules as the next version of the named profile (created when new). Rules equal to the latest version's add
 * nothing (`created: false`). Concurrent saves of one name are serialised by the profile row's lock.
 */
export async function saveProfileVersion(sql: Sql, name: string, rules: MappingRules, by: string | null): Promise<{ version: number; created: boolean; changes: string[] }> {
  return sql.begin(async (tx) => {
    await tx`INSERT INTO mapping_profiles (name, created_by) VALUES (${name}, ${by}) ON CONFLICT (name) DO NOTHING`;
    const [profile] = await tx<{ id: number }[]>`SELECT id FROM mapping_profiles WHERE name = ${name} FOR UPDATE`;
    const [last] = await tx<{ version: number; rules: unknown }[]>`
      SELECT version, rules FROM mapping_profile_versions WHERE profile_id = ${profile!.id} ORDER BY version DESC LIMIT 1`;
    const before = last ? readRules(last.rules) : null;
    if (before && last && sameRules(before, rules)) return { version: last.version, created: false, changes: [] };
    const changes = describeChanges(before, rules);
    const version = (last?.version ?? 0) + 1;
    await tx`
      INSERT INTO mapping_profile_versions (profile_id, version, rules, change_note, created_by)
      VALUES (${profile!.id}, ${version}, ${tx.json(rules as never)}, ${changes.join('\n')}, ${by})`;
    return { version, created: true, changes };
  });
}

/**
 * Records on the import's ledger row the profile it runs with and a snapshot of that version's rules. Written once:
 * a retried step (or a resumed import) keeps the snapshot it has.
 */
export async function recordImportMapping(sql: Sql, importId: string, ref: ProfileRef): Promise<void> {
  const updated = await sql`
    UPDATE imports SET mapping_profile_name = ${ref.name}, mapping_profile_version = ${ref.version},
      mapping_rules = (SELECT v.rules FROM mapping_profile_versions v JOIN mapping_profiles p ON p.id = v.profile_id
                       WHERE p.name = ${ref.name} AND v.version = ${ref.version})
    WHERE id = ${importId} AND mapping_rules IS NULL
    RETURNING mapping_rules IS NOT NULL AS found`;
  if (updated.length === 1 && !updated[0]!.found) throw new UnknownMappingProfileError(`${ref.name} (version ${ref.version})`);
}

/** The rules an import applies (its snapshot), or null when it runs without a profile. */
export async function importMappingRules(sql: Sql, importId: string): Promise<MappingRules | null> {
  const [row] = await sql<{ mapping_rules: unknown }[]>`SELECT mapping_rules FROM imports WHERE id = ${importId}`;
  return row?.mapping_rules ? readRules(row.mapping_rules) : null;
}

// ---- Drafts of the mapping page ----

export interface MappingDraft {
  id: string;
  file_name: string;
  file_path: string;
  format: FileFormat;
  columns: string[];
  sample_rows: Record<string, unknown>[];
  created_by: string;
  created_at: Date;
}

/** Drafts older than this are forgotten when a new one is made (their files are housekeeping's: ORPHAN_FILE_AGE). */
const DRAFT_RETENTION_HOURS = 24;

/** Records a draft of the mapping page; drafts abandoned for DRAFT_RETENTION_HOURS are removed on the way. */
export async function createDraft(sql: Sql, d: Omit<MappingDraft, 'created_at'>): Promise<void> {
  await sql`DELETE FROM mapping_drafts WHERE created_at < now() - make_interval(hours => ${DRAFT_RETENTION_HOURS})`;
  await sql`
    INSERT INTO mapping_drafts (id, file_name, file_path, format, columns, sample_rows, created_by)
    VALUES (${d.id}, ${d.file_name}, ${d.file_path}, ${d.format}, ${sql.json(d.columns)}, ${sql.json(d.sample_rows as never)}, ${d.created_by})`;
}

/** A draft by id, or null. */
export async function getDraft(sql: Sql, id: string): Promise<MappingDraft | null> {
  const [row] = await sql<MappingDraft[]>`SELECT * FROM mapping_drafts WHERE id = ${id}`;
  return row ?? null;
}

/** Forgets a draft (its file is the caller's: handed to an import, or removed). */
export async function deleteDraft(sql: Sql, id: string): Promise<void> {
  await sql`DELETE FROM mapping_drafts WHERE id = ${id}`;
}
