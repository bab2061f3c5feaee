// Random identifiers handed to browsers and scripts, and the hashes under which the server keeps them.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** API tokens look like `cit_<43 chars>`: the prefix makes a leaked one recognisable by secret scanners. */
export const API_TOKEN_PREFIX = 'cit_';
export function newApiToken(): { token: string; hash: string; prefix: string } {
  const token = `${API_TOKEN_PREFIX}${randomToken(32)}`;
  return { token, hash: sha256Hex(token), prefix: token.slice(0, API_TOKEN_PREFIX.length + 6) };
}
