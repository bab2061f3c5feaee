import { NativeConnection } from '@temporalio/worker';
import { connectionOptions, type TemporalConfig } from './connect';

// Apart from connect.ts: @temporalio/worker loads the SDK's native core and its bundler (~0.25 s of start-up), which
// the CLI, the server and every other client-only process do not need (issue 17, W7's CLI end to end).

/** The worker's connection (the native core's) to the Temporal frontend. Rejects when the frontend is unreachable. */
export async function connectWorker(t: TemporalConfig): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(t));
}
