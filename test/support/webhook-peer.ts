// A real HTTP server on 127.0.0.1 that records webhook calls and answers as scripted per path: tests of
// the webhook senders (and of the whole pipeline) read the calls back from here.
import { Recorder } from './recorder';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: unknown;
  receivedAt: number;
}

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  /** A string is sent as is, anything else as JSON. */
  body?: unknown;
  /** Waits this long before answering (the request is recorded at once). */
  delayMs?: number;
}

export interface WebhookPeer {
  port: number;
  /** http://127.0.0.1:port + path */
  url(path?: string): string;
  requests: RecordedRequest[];
  /** The next requests to `path` (path without query) get these answers in order, then 200 "ok" again. */
  script(path: string, responses: ScriptedResponse[]): void;
  /** Resolves with the requests once at least n have arrived; rejects after timeoutMs. */
  waitFor(n: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

export async function startWebhookPeer(): Promise<WebhookPeer> {
  const recorder = new Recorder<RecordedRequest>('webhook peer: requests');
  const requests = recorder.items;
  const scripts = new Map<string, ScriptedResponse[]>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const path = req.url ?? '/';
      recorder.add({ method: req.method ?? '', path, headers: req.headers, body, json, receivedAt: Date.now() });

      const answer = scripts.get(path.split('?')[0] ?? path)?.shift() ?? { status: 200, body: 'ok' };
      const send = () => {
        if (res.destroyed) return;
        const payload = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
        res.writeHead(answer.status, {
          'content-type': typeof answer.body === 'string' || answer.body === undefined ? 'text/plain' : 'application/json',
          ...answer.headers,
        });
        res.end(payload);
      };
      if (answer.delayMs) {
        const timer = setTimeout(send, answer.delayMs);
        res.on('close', () => clearTimeout(timer));
      } else send();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    url: (path = '/') => `http://127.0.0.1:${port}${path.startsWith('/') ? path : `/${path}`}`,
    requests,
    script(path, responses) {
      scripts.set(path, [...(scripts.get(path) ?? []), ...responses]);
    },
    waitFor: (n, timeoutMs) => recorder.waitFor(n, timeoutMs),
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
