import { createServer, type Server } from 'node:net';

/** A TCP port that was free on `host` a moment ago (the OS's choice for port 0); rejects if nothing can bind. */
export async function freePort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error(`could not find a free port on ${host}`);
  return address.port;
}

/** `host:port` for a URL or a bind address, an IPv6 host in brackets (`[::1]:9464`). */
export function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** True for the errors of `listen` that mean "this port cannot be had", not a bug: in use or not permitted. */
export function isPortUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'EADDRINUSE' || code === 'EACCES';
}

/** `server.listen(port, host)` as a promise that rejects on the listen error (an http/net server alike). */
export function listenOn(server: Server | import('node:http').Server, port: number, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(address && typeof address !== 'string' ? address.port : port);
    });
  });
}
