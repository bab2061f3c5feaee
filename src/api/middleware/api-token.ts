import type { Middleware } from 'koa';
import type { ApiDeps } from '../deps';
import { useApiToken } from '../../db/api-tokens';
import { sha256Hex } from '../secrets';
import { problem } from './errors';

/**
 * `Authorization: Bearer <token>`: the request acts as the token (its role, actor 'token:<name>'), whatever
 * session cookie came with it. A header that is present but wrong is refused outright, never ignored.
 */
export function apiTokenAuth(deps: ApiDeps): Middleware {
  return async (ctx, next) => {
    const header = ctx.get('Authorization');
    if (!header) return next();
    const m = /^Bearer\s+([A-Za-z0-9_-]{10,200})\s*$/i.exec(header);
    const token = m?.[1] ? await useApiToken(deps.sql, sha256Hex(m[1])) : undefined;
    if (!token) {
      ctx.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      return problem(ctx, 401, 'The API token is missing, malformed, unknown or revoked.');
    }
    ctx.state.user = { id: 0, email: `token:${token.name}`, role: token.role, tokenName: token.name, tokenId: token.id };
    ctx.state.via = 'token';
    ctx.state.csrfToken = undefined;
    await next();
  };
}
