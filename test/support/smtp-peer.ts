// A real SMTP server on loopback that records what it receives, parsed by mailparser: tests of anything
// that sends mail read the messages back from here instead of mocking the transport.
import { Recorder } from './recorder';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { simpleParser } from 'mailparser';

export interface ReceivedMail {
  /** SMTP envelope. */
  from: string;
  to: string[];
  subject: string;
  text: string;
  /** '' when the message had no HTML part. */
  html: string;
  messageId: string;
  /** Header lines as received, names lower-cased, values unfolded. */
  headers: Record<string, string>;
  raw: string;
  /** Whether the session was encrypted (STARTTLS or implicit TLS). */
  secure: boolean;
  /** The authenticated user name, or null. */
  user: string | null;
}

export interface SmtpPeerOptions {
  /** Require AUTH (PLAIN/LOGIN, allowed without TLS) with these credentials; without it AUTH is off. */
  auth?: { user: string; pass: string };
  /** Offer STARTTLS with smtp-server's built-in self-signed certificate; url then skips certificate checks. */
  starttls?: boolean;
}

export interface SmtpPeer {
  port: number;
  /** smtp://[user:pass@]127.0.0.1:port, ready for createMailer. */
  url: string;
  messages: ReceivedMail[];
  /** Answers the next `times` messages with this reply at the end of DATA instead of accepting them. */
  refuseNext(responseCode: number, message: string, times?: number): void;
  /** Resolves with the messages once at least n have arrived; rejects after timeoutMs. */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

export async function startSmtpPeer(options: SmtpPeerOptions = {}): Promise<SmtpPeer> {
  const recorder = new Recorder<ReceivedMail>('SMTP peer: messages');
  const messages = recorder.items;
  const refusals: { responseCode: number; message: string }[] = [];

  const disabledCommands = [...(options.auth ? [] : ['AUTH']), ...(options.starttls ? [] : ['STARTTLS'])];
  const server = new SMTPServer({
    disabledCommands,
    authOptional: !options.auth,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    closeTimeout: 1000,
    logger: false,
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) {
        callback(null, { user: auth.username });
      } else {
        callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      }
    },
    onData(stream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const refusal = refusals.shift();
        if (refusal) {
          callback(Object.assign(new Error(refusal.message), { responseCode: refusal.responseCode }));
          return;
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (mail) => {
            const headers: Record<string, string> = {};
            for (const line of mail.headerLines) headers[line.key] = line.line.slice(line.line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
            recorder.add({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              subject: mail.subject ?? '',
              text: mail.text ?? '',
              html: typeof mail.html === 'string' ? mail.html : '',
              messageId: mail.messageId ?? '',
              headers,
              raw: raw.toString('utf8'),
              secure: session.secure,
              user: typeof session.user === 'string' ? session.user : null,
            });
            callback();
          },
          (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
        );
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  const credentials = options.auth ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@` : '';
  const query = options.starttls ? '?tls.rejectUnauthorized=false' : '';

  return {
    port,
    url: `smtp://${credentials}127.0.0.1:${port}${query}`,
    messages,
    refuseNext(responseCode, message, times = 1) {
      for (let i = 0; i < times; i++) refusals.push({ responseCode, message });
    },
    waitFor: (n, timeoutMs) => recorder.waitFor(n, timeoutMs),
    close() {
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
