// Body parsers, applied per route by the feature routers (never globally: an upload must pass the CSRF check
// before a single byte of it is written to disk, and a page that takes no body should not parse one).
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Middleware } from 'koa';
import { koaBody } from 'koa-body';
import type { Config } from '../../config';
import { fail } from './errors';

export const FORM_LIMIT = '256kb';
export const JSON_LIMIT = '1mb';

const parseForm = koaBody({ urlencoded: true, json: true, multipart: false, text: false, formLimit: FORM_LIMIT, jsonLimit: JSON_LIMIT });

/**
 * urlencoded and JSON bodies with small limits, into ctx.request.body. The CSRF middleware may already have
 * parsed a form body to read its `_csrf` field: then this does nothing.
 */
export function formBody(): Middleware {
  return async (ctx, next) => {
    if (ctx.request.body !== undefined) return next();
    return parseForm(ctx, next);
  };
}

function formatMb(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
}

/** Lets the client finish sending what it started, so it reads our answer instead of a reset connection. */
export async function drain(req: NodeJS.ReadableStream & { readableEnded?: boolean; complete?: boolean }, timeoutMs: number): Promise<void> {
  if (req.readableEnded || req.complete) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    req.on('end', done);
    req.on('error', done);
    req.on('close', done);
    req.resume();
  });
}

/**
 * Removes a file an upload was writing, once its stream is really closed. The stream opens its file
 * asynchronously: removing the path before the open completes (formidable's own clean-up does, 1 ms after an
 * error) lets the open create the file again afterwards, and a partial upload stays in incoming/ for ever (seen
 * on a busy machine). 'close' comes after the open and the close of the descriptor, whatever the timing.
 */
export async function removeUpload(stream: WriteStream): Promise<void> {
  if (!stream.closed) {
    await new Promise<void>((resolve) => {
      stream.once('close', () => resolve());
      stream.destroy();
    });
  }
  await unlink(String(stream.path)).catch(() => {});
}

/** The write streams of each request's uploads (by its Koa context), so a route can remove them if it refuses them. */
const uploadsOf = new WeakMap<object, WriteStream[]>();

/**
 * Removes every file this request uploaded (after their streams closed): for a request refused after its file
 * was stored (a wrong field, a type the content contradicts). Safe to call when nothing was uploaded.
 */
export async function discardUploads(ctx: object): Promise<void> {
  await Promise.all((uploadsOf.get(ctx) ?? []).map(removeUpload));
}

/**
 * One multipart file (field name free) into <ingestDir>/incoming under a random name (formidable's; the
 * client's file name is only metadata: `file.originalFilename`), into ctx.request.files; text fields into
 * ctx.request.body. Over the size limit: 413 with a message naming the limit, after the partial file is removed.
 */
export function uploadBody(config: Config): Middleware {
  const uploadDir = path.join(config.ingestDir, 'incoming');
  const maxFileSize = config.limits.maxFileBytes;
  return async (ctx, next) => {
    if (!ctx.is('multipart')) ctx.throw(415, 'Send the file as multipart/form-data.');
    const tooLarge = `The file is larger than the ${formatMb(maxFileSize)} limit (MAX_FILE_MB).`;
    // A declared length far over the limit is refused before reading anything; Node then discards the body
    // unread, so the client still gets this answer. (The margin is for the multipart headers and text fields.)
    if (Number(ctx.get('Content-Length')) > maxFileSize + 128 * 1024) ctx.throw(413, tooLarge);
    await mkdir(uploadDir, { recursive: true });
    const written: WriteStream[] = [];
    uploadsOf.set(ctx, written);
    const parse = koaBody({
      multipart: true,
      urlencoded: false,
      json: false,
      text: false,
      formidable: {
        uploadDir,
        keepExtensions: false,
        maxFiles: 1,
        maxFileSize,
        maxTotalFileSize: maxFileSize,
        maxFields: 20,
        maxFieldsSize: 64 * 1024,
        allowEmptyFiles: false,
        // Our own stream per file (formidable then only feeds it): the request can wait for it to close.
        fileWriteStreamHandler: (file) => {
          const stream = createWriteStream((file as unknown as { filepath: string }).filepath, { flags: 'wx' });
          written.push(stream);
          return stream;
        },
      },
    });
    let parsed = false;
    try {
      await parse(ctx, async () => {
        parsed = true;
      });
    } catch (err) {
      await drain(ctx.req, 30_000);
      await Promise.all(written.map(removeUpload));
      ctx.set('Connection', 'close');
      const e = err as { httpCode?: number; code?: number; message?: string };
      // formidable's codes: 1009/1016 total/file size, 1015 max files, 1008/1010 empty file.
      if (e.code === 1009 || e.code === 1016) ctx.throw(413, tooLarge);
      if (e.code === 1015) ctx.throw(400, 'Send one file at a time.');
      // The page says it in the reader's language (the same sentence as an empty file dropped in the folder).
      if (e.code === 1010 || e.code === 1008) fail(400, 'The file is empty.', { key: 'importFailures.empty_file' });
      ctx.throw(e.httpCode && e.httpCode >= 400 && e.httpCode < 500 ? e.httpCode : 400, `The upload could not be read: ${e.message ?? 'malformed multipart body'}.`);
    }
    if (parsed) await next();
  };
}
