import { Client } from '@elastic/elasticsearch';

export type SearchClient = Client;

export function createSearchClient(url: string): SearchClient {
  // Retries belong to the Temporal activity (with backoff and visibility), not to the HTTP client.
  return new Client({ node: url, maxRetries: 0, requestTimeout: 30_000 });
}
