// Tells an outage from a bug or a poison file, so that an import is retried while a service is down and
// failed with its reason otherwise (DESIGN.md: "a failure that is not an outage is never retried for ever").
//
// - outage: the service will answer again; Temporal retries with backoff, without limit. Network errors,
//   PostgreSQL's connection / resource / shutdown classes, Elasticsearch unreachable, overloaded or timing out.
// - final: retrying cannot help; the import fails at once. PostgreSQL refusing the data or the statement
//   (data exceptions, integrity violations, syntax or undefined objects: a bug), a stack overflow, a
//   programming error (TypeError, ReferenceError, SyntaxError), Elasticsearch refusing a request (4xx but 429).
// - unknown: anything else; retried, but only UNKNOWN_FAILURE_ATTEMPTS times, then final.

/** Attempts given to a failure that is neither a known outage nor known final, before the import fails. */
export const UNKNOWN_FAILURE_ATTEMPTS = 5;

export type FailureClass = 'outage' | 'final' | 'unknown';

// Node's and postgres.js's codes for a connection that could not be made or was lost.
const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED',
  'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT',
  // The disk is full or the process out of descriptors: an operator frees them, then the step goes on.
  'ENOSPC', 'EMFILE', 'ENFILE',
]);

/**
 * PostgreSQL SQLSTATE classes (https://www.postgresql.org/docs/current/errcodes-appendix.html): 08 connection
 * exception, 53 insufficient resources, 57P0x operator intervention (shutdown, cannot connect now), 40001 / 40P01
 * serialization failure / deadlock (retry is the documented remedy), 55P03 lock not available.
 */
function isTransientSqlState(code: string): boolean {
  return code.startsWith('08') || code.startsWith('53') || /^57P0[1-4]$/.test(code) || code === '40001' || code === '40P01' || code === '55P03';
}

/** 22 data exception, 23 integrity constraint, 42 syntax error or access rule, XX internal error, 2x others about the statement. */
function isFinalSqlState(code: string): boolean {
  return /^(22|23|42|XX|2[5-9]|3[4-9]|44)/.test(code);
}

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  statusCode?: unknown;
  meta?: { statusCode?: unknown };
  cause?: unknown;
}

/** The class of an error thrown by an activity's code. Pure: looks at the error's name, code and status only. */
export function classifyFailure(err: unknown, depth = 0): FailureClass {
  if (typeof err !== 'object' || err === null || depth > 3) return 'unknown';
  const e = err as ErrorLike;
  const name = typeof e.name === 'string' ? e.name : '';
  const code = typeof e.code === 'string' ? e.code : '';
  if (NETWORK_CODES.has(code)) return 'outage';
  if (name === 'PostgresError' && code) {
    if (isTransientSqlState(code)) return 'outage';
    if (isFinalSqlState(code)) return 'final';
    return 'unknown';
  }
  if (name === 'ConnectionError' || name === 'TimeoutError' || name === 'NoLivingConnectionsError' || name === 'RequestAbortedError') return 'outage';
  if (name === 'ResponseError') {
    const status = Number(e.meta?.statusCode ?? e.statusCode);
    if (status === 429 || status >= 500) return 'outage';
    if (status >= 400) return 'final';
  }
  if (err instanceof RangeError && /call stack/i.test(String(e.message))) return 'final';
  if (err instanceof TypeError || err instanceof ReferenceError || err instanceof SyntaxError) {
    // fetch() wraps network failures in a TypeError whose cause has the network code.
    if (e.cause !== undefined && classifyFailure(e.cause, depth + 1) === 'outage') return 'outage';
    return 'final';
  }
  if (e.cause !== undefined) return classifyFailure(e.cause, depth + 1);
  return 'unknown';
}

/** A short phrase for the message of a final failure, so the reader knows it was not an outage. */
export function describeFinalFailure(err: unknown): string {
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorLike;
  const message = typeof e.message === 'string' ? e.message : String(err);
  const name = typeof e.name === 'string' ? e.name : 'Error';
  if (name === 'PostgresError') return `PostgreSQL refused the data or the statement (${String(e.code)}): ${message}`;
  if (err instanceof RangeError) return `the file's content is too deeply nested for the importer (${message})`;
  return `${name}: ${message}`;
}
