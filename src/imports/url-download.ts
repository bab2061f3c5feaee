// "Import from a URL" and feeds (issue 12): a remote file is streamed into incoming/ and then imported as any
// upload. Every hop goes through the outgoing-request policy of src/notify/url-policy.ts (https only, public
// addresses only unless the operator allowed the host, the address pinned at connect time so that a DNS answer
// that changes between the check and the connection cannot redirect the request), redirects are followed here,
// at most MAX_REDIRECTS times, each Location checked again. The size limit is enforced while the bytes arrive
// (a lying or absent Content-Length changes nothing), the whole download has a time limit, and the content type
// and first bytes are checked before any import starts.
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { rootCertificates } from 'node:tls';
import type { Config } from '../config';
import { ingestPath } from '../ingest/paths';
import { ACCEPTED_EXTENSIONS } from '../ingest/readers/detect';
import { displayFileName } from '../domain/display-text';
import { pinnedRequest, redactUrl, resolvePublicTarget, WebhookUrlRefused, type LookupAll, type PinnedResponse, type UrlPolicy } from '../notify/url-policy';
import { checkUpload, UploadRefused } from './start-upload';

/** Redirects followed at most (the rule): a fourth Location is refused. */
export const MAX_REDIRECTS = 3;
/** The longest URL accepted (form, REST, CLI and feeds), in characters. */
export const MAX_URL_LENGTH = 2048;

/** Why a URL could not be imported; `status` is the HTTP status the admin and REST answer with. */
export class UrlImportRefused extends Error {
  override readonly name = 'UrlImportRefused';
  constructor(
    readonly status: 400 | 413 | 415 | 422 | 502 | 504,
    message: string,
    /** A short machine-readable reason: policy, http_status, too_large, content_type, timeout, network, format. */
    readonly code: string,
  ) {
    super(message);
  }
}

/** What a download needs: the policy of outgoing addresses, the limits, the trusted CAs, and (tests) the resolver. */
export interface DownloadSettings {
  policy: UrlPolicy;
  maxBytes: number;
  timeoutMs: number;
  /** PEM of the certificate authorities to trust; undefined: Node's bundled roots. */
  ca?: string;
  lookup?: LookupAll;
}

/**
 * The download settings of a configuration: URL_IMPORT_* and MAX_FILE_MB. The CA file, when set, is read now and
 * trusted besides Node's bundled roots (https.request's `ca` replaces the roots, so they are added back).
 * Throws the file system's error when URL_IMPORT_CA_FILE cannot be read.
 */
export async function downloadSettings(config: Pick<Config, 'urlImport' | 'limits'>): Promise<DownloadSettings> {
  const ca = config.urlImport.caFile ? [...rootCertificates, await readFile(config.urlImport.caFile, 'utf8')].join('\n') : undefined;
  return {
    policy: { allowHosts: config.urlImport.allowHosts, allowInsecureForAllowed: config.urlImport.allowInsecure },
    maxBytes: config.limits.maxFileBytes,
    timeoutMs: config.urlImport.timeoutSeconds * 1000,
    ...(ca ? { ca } : {}),
  };
}

/** The validators of the previous download, sent as If-None-Match / If-Modified-Since (RFC 9110 §13.1). */
export interface Validators {
  etag?: string | null;
  lastModified?: string | null;
}

export type DownloadResult =
  | { kind: 'not_modified'; finalUrl: string }
  | {
      kind: 'downloaded';
      /** The file in incoming/ (the caller owns it: import it or remove it). */
      path: string;
      /** The name it is shown and read by (Content-Disposition, else the URL's last segment, else the content type). */
      fileName: string;
      sizeBytes: number;
      sha256: string;
      etag: string | null;
      lastModified: string | null;
      finalUrl: string;
    };

/**
 * Media types an import may come as: the catalogue formats, generic binary and text, and none at all. An HTML page
 * (a login page, an error page served with 200) is the classic wrong answer and is refused by name.
 * Returns the reason for refusing, or null (RFC 9110 §8.3: the type is case-insensitive, parameters ignored).
 */
export function contentTypeProblem(contentType: string | null): string | null {
  if (!contentType) return null;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type === '') return null;
  if (type === 'text/html' || type === 'application/xhtml+xml') return `the server answered with a web page (${type}), not a catalogue file`;
  if (type.startsWith('text/')) return null;
  const accepted = new Set([
    'application/json', 'application/xml', 'application/yaml', 'application/x-yaml', 'application/csv', 'application/octet-stream',
    'application/zip', 'application/x-zip-compressed', 'application/vnd.ms-excel', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/vnd.oasis.opendocument.spreadsheet', 'application/vnd.ims.imsccv1p1', 'application/vnd.ims.imsccv1p3',
  ]);
  if (accepted.has(type) || type.endsWith('+json') || type.endsWith('+xml')) return null;
  return `the content type ${type} is not a catalogue file (CSV, TSV, JSON, Excel, OpenDocument, XML, YAML)`;
}

// The extension a bare media type stands for, when neither the headers nor the URL name the file.
const EXTENSION_OF_TYPE: Record<string, string> = {
  'text/csv': '.csv', 'application/csv': '.csv', 'text/tab-separated-values': '.tsv', 'application/json': '.json',
  'application/xml': '.xml', 'text/xml': '.xml', 'application/yaml': '.yaml', 'application/x-yaml': '.yaml', 'text/yaml': '.yaml',
  'application/vnd.ms-excel': '.xls', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': '.xlsx',
  'application/vnd.oasis.opendocument.spreadsheet': '.ods',
};

/** The filename of a Content-Disposition header (RFC 6266: `filename*` with its charset first, then `filename`). */
export function dispositionFileName(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  if (star?.[2]) {
    try {
      return decodeURIComponent(star[2].trim());
    } catch {
      // A malformed percent-encoding: fall back to the plain parameter.
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(header);
  const name = plain?.[1]?.replace(/\\(.)/g, '$1') ?? plain?.[2];
  return name ? name : null;
}

/**
 * The name a downloaded file is read and shown by: Content-Disposition's filename, else the URL path's last
 * segment; when that has no extension the importer knows, the content type's extension is added (a URL like
 * `/export?format=csv` answered as text/csv becomes `export.csv`). Sanitised as an upload's name.
 */
export function downloadFileName(url: URL, contentDisposition: string | null, contentType: string | null): string {
  let segment = '';
  try {
    segment = decodeURIComponent(url.pathname.split('/').filter(Boolean).pop() ?? '');
  } catch {
    segment = url.pathname.split('/').filter(Boolean).pop() ?? '';
  }
  let name = dispositionFileName(contentDisposition) ?? (segment || url.hostname);
  if (!ACCEPTED_EXTENSIONS[path.extname(name).toLowerCase()]) {
    const ext = EXTENSION_OF_TYPE[(contentType ?? '').split(';')[0]!.trim().toLowerCase()];
    if (ext) name = `${name}${ext}`;
  }
  return displayFileName(name, 'download');
}

/** Counts and hashes the bytes going through, and stops the stream once more than maxBytes came. */
class Meter extends Transform {
  bytes = 0;
  readonly hash = createHash('sha256');
  constructor(private readonly maxBytes: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) return cb(new UrlImportRefused(413, `the file is larger than the limit of ${this.maxBytes} bytes (MAX_FILE_MB)`, 'too_large'));
    this.hash.update(chunk);
    cb(null, chunk);
  }
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function networkRefusal(err: unknown, url: URL, signal: AbortSignal, timeoutMs: number): UrlImportRefused {
  if (err instanceof UrlImportRefused) return err;
  if (signal.aborted) return new UrlImportRefused(504, `${redactUrl(url)} did not answer in full within ${Math.round(timeoutMs / 1000)} s (URL_IMPORT_TIMEOUT)`, 'timeout');
  const code = (err as { code?: unknown }).code;
  const why = typeof code === 'string' ? code : err instanceof Error ? err.message : String(err);
  return new UrlImportRefused(502, `${redactUrl(url)} could not be reached (${why})`, 'network');
}

/**
 * Downloads `url` into incoming/ under a random name. Each hop (the URL, then each redirect's Location, at most
 * MAX_REDIRECTS) is checked and pinned by resolvePublicTarget; the request goes to the checked address only.
 * With `validators`, sends If-None-Match / If-Modified-Since and answers `not_modified` on 304. The file is checked
 * (content type, then its extension and first bytes as an upload's) before it is returned.
 * Throws UrlImportRefused: 422 a refused address or scheme, 502 an HTTP error or unreachable server, 504 the
 * time limit, 413 over the size limit, 415 not a catalogue file, 400 empty. Nothing is left in incoming/ when it throws.
 */
export async function downloadToIncoming(url: string, ingestDir: string, settings: DownloadSettings, validators: Validators = {}): Promise<DownloadResult> {
  if (url.length > MAX_URL_LENGTH) throw new UrlImportRefused(400, `the URL is longer than ${MAX_URL_LENGTH} characters`, 'policy');
  const signal = AbortSignal.timeout(settings.timeoutMs);
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    throw new UrlImportRefused(400, 'not a valid URL (expected https://…)', 'policy');
  }
  const headers: Record<string, string> = { 'user-agent': 'course-import (import from URL)', accept: '*/*', 'accept-encoding': 'identity' };
  if (validators.etag) headers['if-none-match'] = validators.etag;
  if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;

  let res: PinnedResponse | undefined;
  for (let hop = 0; ; hop += 1) {
    try {
      const target = await resolvePublicTarget(current.href, settings.policy, settings.lookup);
      res = await pinnedRequest(target, { method: 'GET', headers, signal, ...(settings.ca ? { ca: settings.ca } : {}) });
    } catch (err) {
      if (err instanceof WebhookUrlRefused) throw new UrlImportRefused(422, `URL refused (${err.url}): ${err.reason}`, 'policy');
      throw networkRefusal(err, current, signal, settings.timeoutMs);
    }
    if (!isRedirect(res.status)) break;
    res.body.destroy();
    const location = res.headers.get('location');
    if (!location) throw new UrlImportRefused(502, `${redactUrl(current)} answered ${res.status} without a Location`, 'http_status');
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      throw new UrlImportRefused(502, `${redactUrl(current)} redirected to something that is not a URL`, 'http_status');
    }
    if (hop + 1 > MAX_REDIRECTS) throw new UrlImportRefused(502, `more than ${MAX_REDIRECTS} redirects (last to ${redactUrl(next)})`, 'http_status');
    current = next;
  }

  if (res.status === 304 && (validators.etag || validators.lastModified)) {
    res.body.destroy();
    return { kind: 'not_modified', finalUrl: current.href };
  }
  if (res.status < 200 || res.status > 299) {
    res.body.destroy();
    throw new UrlImportRefused(502, `${redactUrl(current)} answered HTTP ${res.status}`, 'http_status');
  }
  const contentType = res.headers.get('content-type');
  const typeProblem = contentTypeProblem(contentType);
  if (typeProblem) {
    res.body.destroy();
    throw new UrlImportRefused(415, typeProblem, 'content_type');
  }
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > settings.maxBytes) {
    res.body.destroy();
    throw new UrlImportRefused(413, `the file is larger than the limit of ${settings.maxBytes} bytes (MAX_FILE_MB)`, 'too_large');
  }

  const fileName = downloadFileName(current, res.headers.get('content-disposition'), contentType);
  const dir = ingestPath(ingestDir, 'incoming');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${randomUUID()}${path.extname(fileName).toLowerCase().slice(0, 10)}`);
  const meter = new Meter(settings.maxBytes);
  try {
    await pipeline(res.body, meter, createWriteStream(file, { flags: 'wx' }), { signal });
  } catch (err) {
    res.body.destroy();
    await unlink(file).catch(() => {});
    throw networkRefusal(err, current, signal, settings.timeoutMs);
  }
  try {
    await checkUpload({ path: file, originalName: fileName });
  } catch (err) {
    // checkUpload removed the file.
    if (err instanceof UploadRefused) throw new UrlImportRefused(err.status, err.message, 'format');
    throw err;
  }
  return {
    kind: 'downloaded',
    path: file,
    fileName,
    sizeBytes: meter.bytes,
    sha256: meter.hash.digest('hex'),
    etag: res.headers.get('etag'),
    lastModified: res.headers.get('last-modified'),
    finalUrl: current.href,
  };
}
