// A TCP proxy on loopback that can be switched off and on: a real service "going down" and "coming back"
// for one test, without touching the service the other tests use. It can also add latency to every request,
// so that a step that is fast on an idle machine lasts long enough for a test to act during it.
import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface FlakyProxy {
  port: number;
  url: string;
  /** While down, every connection is closed at once, as a stopped server's port would refuse it. */
  down(): void;
  up(): void;
  close(): Promise<void>;
}

export async function startFlakyProxy(target: URL, opts: { latencyMs?: number } = {}): Promise<FlakyProxy> {
  let isUp = true;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    if (!isUp) return client.destroy();
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    if (opts.latencyMs) {
      // Same delay for every chunk: timers of equal delay fire in order, so the byte stream stays intact.
      client.on('data', (chunk) => setTimeout(() => upstream.destroyed || upstream.write(chunk), opts.latencyMs));
      client.on('end', () => setTimeout(() => upstream.end(), opts.latencyMs));
      upstream.pipe(client);
    } else client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    down() {
      isUp = false;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    up() {
      isUp = true;
    },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
