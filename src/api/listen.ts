import type { Server } from 'node:http';
import { createApp } from './app';
import type { ApiDeps } from './deps';

export interface RunningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Listens with the app; also used by the e2e harness (port 0). */
export async function listen(deps: ApiDeps, port: number, host: string): Promise<RunningServer> {
  const app = createApp(deps);
  const server = app.listen(port, host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  // Slow clients cannot hold a connection forever; uploads of MAX_FILE_MB still fit in 5 minutes on a slow line.
  server.requestTimeout = 5 * 60_000;
  server.headersTimeout = 30_000;
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
  return {
    server,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
