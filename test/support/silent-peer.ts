// A TCP peer that accepts connections and never answers: a paused or GC-bound Elasticsearch node, an SMTP server
// that never greets. What timeouts, circuit breakers and fallbacks are tested against.
import { createServer, type AddressInfo, type Socket } from 'node:net';

export interface SilentPeer {
  /** The port it listens on (127.0.0.1). */
  port: number;
  /** How many connections it has accepted so far. */
  accepted(): number;
  /** Drops every connection and stops listening. */
  close(): Promise<void>;
}

/** Starts a silent peer on a free port of 127.0.0.1. */
export async function startSilentPeer(): Promise<SilentPeer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    accepted: () => accepted,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
