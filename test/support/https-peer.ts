// A real HTTPS server on loopback for the URL import and feed tests: a self-signed certificate made at test time
// with the openssl CLI (for localhost and 127.0.0.1), trusted by the download through URL_IMPORT_CA_FILE only.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SelfSigned {
  dir: string;
  certFile: string;
  cert: string;
  key: string;
}

/** A key and a self-signed certificate (1 day, EC P-256) for localhost / 127.0.0.1, in a temp folder. */
export async function selfSignedCertificate(): Promise<SelfSigned> {
  const dir = await mkdtemp(path.join(tmpdir(), 'url-import-tls-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', keyFile, '-out', certFile,
  ]);
  return { dir, certFile, cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') };
}

export interface HttpsPeer {
  port: number;
  /** https://127.0.0.1:<port> */
  origin: string;
  /** Every request received, in order: method, path and headers. */
  requests: { method: string; path: string; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
}

/** Starts an HTTPS server with the certificate; `handle` answers each request (after it was recorded). */
export async function startHttpsPeer(tls: SelfSigned, handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<HttpsPeer> {
  const requests: HttpsPeer['requests'] = [];
  const server: Server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    origin: `https://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Removes the certificate's folder. */
export async function removeCertificate(tls: SelfSigned): Promise<void> {
  await rm(tls.dir, { recursive: true, force: true });
}
