// What every router of the admin receives, and the typed shape of the request state the middleware fills in.
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Sql } from '../db/client';
import type { SearchClient } from '../search/client';
import type { Logger } from '../logger';
import type { Language } from '../i18n/languages';
import type { Translate } from '../i18n/i18n';

export interface ApiDeps {
  config: Config;
  sql: Sql;
  /** null when ELASTICSEARCH_ENABLED=false: pages fall back to PostgreSQL. */
  es: SearchClient | null;
  temporal: Client;
  logger: Logger;
}

// Defined beside the tables that store them (layers point down: src/db/ imports nothing from src/api/).
export type { Role } from '../db/users';
export type { FlashKind, FlashMessage } from '../db/sessions';
import type { Role } from '../db/users';
import type { FlashKind } from '../db/sessions';

export interface AuthUser {
  /** The staff account's id; 0 for an API token (it is no account: use tokenId). */
  id: number;
  email: string;
  role: Role;
  /** Set for API tokens: the token's name (the actor in the audit log is 'token:<name>'). */
  tokenName?: string;
  tokenId?: number;
  /** The admin's language this person saved; null or absent: Accept-Language decides. */
  language?: Language | null;
}


declare module 'koa' {
  interface DefaultState {
    /** The signed-in staff member or the API token's identity; undefined for anonymous requests. */
    user: AuthUser | undefined;
    via: 'session' | 'token' | undefined;
    /** The session's synchronizer token, for forms (`partials/csrf`) and the `X-CSRF-Token` header of scripts. */
    csrfToken: string | undefined;
    requestId: string;
    /** A pino child logger carrying the request id. */
    log: Logger;
    /** The language this request is answered in (middleware/language.ts) and t() bound to it. */
    language: Language;
    t: Translate;
  }
  interface DefaultContext {
    /** The app's clients, for helpers that only receive ctx (auditFromCtx). */
    deps: ApiDeps;
    /** Renders views/<view>.eta inside views/layout.eta (see src/api/render.ts). */
    render(view: string, data?: object, status?: number): void;
    /** Queues a message for the next page this session renders (saved with the session when the request ends). */
    flash(kind: FlashKind, message: string): void;
  }
}
