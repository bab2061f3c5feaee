import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config';
import { searchAttributes } from '../contract';

type TemporalConfig = Config['temporal'];

function connectionOptions(t: TemporalConfig) {
  return { address: t.address, tls: t.tls ? {} : undefined, apiKey: t.apiKey };
}

export async function connectClient(t: TemporalConfig): Promise<Client> {
  const connection = await Connection.connect(connectionOptions(t));
  return new Client({ connection, namespace: t.namespace });
}

export async function connectWorker(t: TemporalConfig): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(t));
}

// temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD
const KEYWORD = 2;

/**
 * Registers the import search attributes when the namespace lacks them (a self-hosted cluster). The local dev
 * server gets them from its start flags; Temporal Cloud refuses the operator API and wants them made in its UI.
 */
export async function ensureSearchAttributes(client: Client, namespace: string): Promise<string[]> {
  const names = Object.values(searchAttributes).map((k) => k.name);
  const existing = await client.connection.operatorService.listSearchAttributes({ namespace });
  const missing = names.filter((n) => !(n in (existing.customAttributes ?? {})));
  if (missing.length) {
    await client.connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((n) => [n, KEYWORD])),
    });
  }
  return missing;
}
