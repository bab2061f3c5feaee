// The documentation of each environment variable, attached to its zod schema where the variable is declared
// (src/config.ts, src/notify/routing.ts): one declaration gives the name, the default, the check and the text of
// the README's configuration table, which `npm run config-docs` writes (test/unit/config-docs.test.ts holds the
// README to it).
import { z } from 'zod';

/** What the README says of one variable: its meaning and its default as a person writes it (markdown). */
export interface VariableDoc {
  meaning: string;
  shownDefault: string;
}

/** zod's metadata registry of the variables' documentation (https://zod.dev/metadata#registries). */
export const variableDocs = z.registry<VariableDoc>();

/**
 * Attaches the README documentation to a variable's schema and returns the schema unchanged. `shownDefault` is
 * markdown such as "`24h`" (a duration's default is shown as written, not as the seconds it parses to); "—"
 * when there is none.
 */
export function documented<T extends z.ZodType>(schema: T, meaning: string, shownDefault = '—'): T {
  variableDocs.add(schema, { meaning, shownDefault });
  return schema;
}

/**
 * The README's configuration table (markdown, one row per variable, in declaration order) for the given object
 * schemas. Throws when a variable has no documentation: a new variable cannot be added without its line.
 */
export function configTable(schemas: readonly z.ZodObject[]): string {
  const lines = ['| variable | default | meaning |', '|---|---|---|'];
  for (const schema of schemas) {
    for (const [name, field] of Object.entries(schema.shape)) {
      const doc = variableDocs.get(field as z.ZodType);
      if (!doc) throw new Error(`${name} has no documentation: declare it with documented(schema, meaning, default)`);
      lines.push(`| \`${name}\` | ${doc.shownDefault} | ${doc.meaning} |`);
    }
  }
  return lines.join('\n');
}
