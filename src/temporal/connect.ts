import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config';
import { searchAttributes } from '../contract';

export type TemporalConfig = Config['temporal'];

/** The connection settings of the Temporal frontend (address, TLS, API key), shared by the client and the worker. */
export function connectionOptions(t: TemporalConfig) {
  return { address: t.address, tls: t.tls ? {} : undefined, apiKey: t.apiKey };
}

export async function connectClient(t: TemporalConfig): Promise<Client> {
  const connection = await Connection.connect(connectionOptions(t));
  return new Client({ connection, namespace: t.namespace });
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
