// node --import tsx src/cli/graphql-import.ts --server http://127.0.0.1:8000 [--dry-run] [--mode create_only] <file | https URL>
// Imports a file (or a URL) through the GraphQL API alone and follows it to its summary (issue 13's "done when"):
// the startImport mutation (a GraphQL multipart request for a file), then the importProgress subscription over
// server-sent events with graphql-sse's own client. The API token comes from COURSE_IMPORT_TOKEN (never the
// command line, where it would end up in the shell history and the process list). Prints one line per progress
// event on stderr and the summary as JSON on stdout; exits 0 when the import succeeded (with or without row
// errors), 1 when it failed, was cancelled or discarded, 2 on a usage or request error.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createClient } from 'graphql-sse';

const USAGE = 'usage: COURSE_IMPORT_TOKEN=cit_… node --import tsx src/cli/graphql-import.ts --server http://127.0.0.1:8000 [--dry-run] [--mode create_or_update|create_only|update_only] <file | https URL>';

const START = `mutation Start($input: StartImportInput!) { startImport(input: $input) { importId fileName started } }`;
const FOLLOW = `subscription Follow($id: ID!) {
  importProgress(id: $id) { status step parsed upserted indexed done
    summary { status counts { rows created updated unchanged skipped failed } error { code message } durationMs archivedTo } } }`;

interface GqlResult<T> {
  data?: T | null;
  errors?: { message: string }[];
}

interface ProgressEvent {
  importProgress: { status: string; step: string | null; parsed: number; upserted: number; indexed: number; done: boolean; summary: { status: string } | null };
}

/** Sends startImport: a multipart request (operations, map, file) for a file, plain JSON for a URL. Throws on a GraphQL error. */
async function startImport(server: string, token: string, source: string, input: { mode: string; dryRun: boolean }): Promise<{ importId: string; fileName: string; started: boolean }> {
  const headers = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
  let res: Response;
  if (/^https:\/\//i.test(source)) {
    res = await fetch(`${server}/graphql`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify({ query: START, variables: { input: { ...input, url: source } } }) });
  } else {
    const form = new FormData();
    form.set('operations', JSON.stringify({ query: START, variables: { input: { ...input, file: null } } }));
    form.set('map', JSON.stringify({ 0: ['variables.input.file'] }));
    form.set('0', new Blob([await readFile(source)]), path.basename(source));
    res = await fetch(`${server}/graphql`, { method: 'POST', headers, body: form });
  }
  const body = (await res.json()) as GqlResult<{ startImport: { importId: string; fileName: string; started: boolean } }>;
  if (body.errors?.length || !body.data) throw new Error(body.errors?.map((e) => e.message).join('; ') ?? `HTTP ${res.status}`);
  return body.data.startImport;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ options: { server: { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, mode: { type: 'string', default: 'create_or_update' } }, allowPositionals: true });
  const token = process.env.COURSE_IMPORT_TOKEN ?? '';
  const source = positionals[0];
  if (!values.server || !source || positionals.length !== 1 || !token) {
    console.error(USAGE);
    return 2;
  }
  const server = values.server.replace(/\/+$/, '');
  const started = await startImport(server, token, source, { mode: values.mode ?? 'create_or_update', dryRun: values['dry-run'] === true });
  console.error(`import ${started.importId} (${started.fileName})${started.started ? '' : ': the same content was already being imported, following that import'}`);

  const client = createClient({ url: `${server}/graphql/stream`, headers: { Authorization: `Bearer ${token}` } });
  let summary: { status: string } | null = null;
  try {
    for await (const result of client.iterate<ProgressEvent>({ query: FOLLOW, variables: { id: started.importId } })) {
      if (result.errors?.length) throw new Error(result.errors.map((e) => e.message).join('; '));
      const p = result.data?.importProgress;
      if (!p) continue;
      console.error(`${p.status}${p.step ? ` (${p.step})` : ''}: ${p.parsed} parsed, ${p.upserted} written, ${p.indexed} indexed`);
      if (p.done) summary = p.summary;
    }
  } finally {
    client.dispose();
  }
  if (!summary) throw new Error('the stream ended without a summary');
  console.log(JSON.stringify({ importId: started.importId, ...summary }, null, 2));
  return summary.status === 'succeeded' || summary.status === 'succeeded_with_errors' ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(2);
  },
);
