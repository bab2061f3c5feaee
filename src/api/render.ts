// ctx.render(view, data, status): views/<view>.eta rendered with autoEscape inside views/layout.eta.
// Every view receives, besides its own data: it.user, it.csrfToken, it.flash, it.title, it.nav, it.temporalUiUrl, it.workflowUrl(id),
// it.asset(name), it.path, it.lang and the language-bound helpers of viewHelpers() (it.t, it.date, it.number, …).
// `<%= x %>` escapes; `<%~ x %>` is raw and is only for include(), it.body and catalogue texts whose markup is the
// catalogue's own and whose values hold no user text. Partials are included from the views root and get only what
// they are given, so pass t: `<%~ include('/partials/pagination', { t: it.t, pagination: it.pagination }) %>`.
import path from 'node:path';
import { Eta } from 'eta';
import type { Context, Middleware } from 'koa';
import type { ApiDeps } from './deps';
import { takeFlash } from './middleware/session';
import { workflowWebUiUrl } from '../temporal/web-ui';
import { assetUrl } from './middleware/static';
import { requestLanguage } from './middleware/language';
import { translator } from '../i18n/i18n';
import type { Language } from '../i18n/languages';
import { formatBytes, formatDate, formatDateTime, formatElapsed, formatHours, formatNumber, formatPrice } from '../i18n/format';
import { fieldLabel, problemText, type ProblemLike } from '../i18n/row-messages';
import { failureText, type FailureLike } from '../i18n/failure-messages';
import { projectPath } from '../paths';

export const viewsDir = projectPath('views');

/** The nav sections; `it.nav` names the current one. */
export type NavSection = 'dashboard' | 'import' | 'imports' | 'courses' | 'search-analytics' | 'monitoring' | 'audit' | 'users' | 'account' | 'none';

function createEta(): Eta {
  return new Eta({ views: viewsDir, autoEscape: true, cache: process.env.NODE_ENV !== 'development', defaultExtension: '.eta' });
}

/**
 * Helpers every template can call, bound to the reader's language and the display time zone (DISPLAY_TIMEZONE):
 * it.t(key, params) translates from locales/<language>.json; it.date('25 nov. 2026, 05:10'), it.number('1 299'),
 * it.price('1 299,00 €'), it.hours('12,5 h'), it.bytes, it.elapsed format with Intl; each gives '—' for nothing.
 */
/** The `<kind>:<name>` values of imports.started_by: their catalogue key (imports.startedByKind.<key>) and its parameter. */
const STARTED_BY_KINDS: Readonly<Record<string, { key: string; param: string }>> = {
  'drop-folder': { key: 'dropFolderProfile', param: 'profile' },
  cli: { key: 'cli', param: 'user' },
  feed: { key: 'feed', param: 'feed' },
  token: { key: 'token', param: 'token' },
};

export function viewHelpers(language: Language, timeZone: string) {
  const t = translator(language);
  return {
    asset: assetUrl,
    lang: language,
    timeZone,
    t,
    /** A row error / row or file warning in the reader's language (issue 11; its English message when it has no code). */
    problem: (p: ProblemLike) => problemText(t, p),
    /** Why an import failed, in the reader's language from its code and parameters (issue 11; English detail otherwise). */
    failure: (e: FailureLike) => failureText(t, e),
    /** A course field as the reader's language names it ('prix'); a row problem's field only when it has a code. */
    fieldName: (p: ProblemLike) => (p.field && p.code && p.field !== '*' ? fieldLabel(t, p.field) : (p.field ?? '')),
    date: (d: Date | string | null | undefined) => formatDateTime(d, language, timeZone),
    day: (d: Date | string | null | undefined) => formatDate(d, language, timeZone),
    iso(d: Date | string | null | undefined): string {
      if (!d) return '';
      const date = d instanceof Date ? d : new Date(d);
      return Number.isNaN(date.getTime()) ? '' : date.toISOString();
    },
    number: (n: number | null | undefined, options?: Intl.NumberFormatOptions) => formatNumber(n, language, options),
    price: (amount: number | null | undefined) => formatPrice(amount, language),
    hours: (hours: number | null | undefined) => formatHours(hours, language),
    bytes: (bytes: number | null | undefined) => formatBytes(bytes, language),
    elapsed: (ms: number | null | undefined) => formatElapsed(ms, language),
    /**
     * A stored decimal put back in a form field as the reader writes it ('12,5' in French): the field is read back by
     * the import's rules, which take either separator.
     */
    decimalInput: (value: string) => (language === 'fr' ? value.replace(/^(-?\d+)\.(\d+)$/, '$1,$2') : value),
    /**
     * Who started an import, as the reader's language says it: the ledger stores `drop-folder` (or
     * `drop-folder:<profile>`, src/watcher/drop-watcher.ts), `cli:<user>` (src/cli/main.ts), `token:<name>` (an API
     * token), `feed:<name>` (src/activities/feeds.ts) or a staff email; '—' when unknown.
     */
    startedBy(value: string | null | undefined): string {
      if (!value) return '—';
      if (value === 'drop-folder') return t('imports.startedByKind.dropFolder');
      const colon = value.indexOf(':');
      const prefix = value.slice(0, Math.max(0, colon));
      const kind = Object.hasOwn(STARTED_BY_KINDS, prefix) ? STARTED_BY_KINDS[prefix] : undefined;
      return kind ? t(`imports.startedByKind.${kind.key}`, { [kind.param]: value.slice(colon + 1) }) : value;
    },
  };
}

export function renderer(deps: ApiDeps): Middleware {
  const eta = createEta();
  return async (ctx, next) => {
    ctx.render = (view: string, data: object = {}, status = 200) => {
      // Set by middleware/language.ts; an error page rendered before it ran negotiates from the headers.
      const language = ctx.state.language ?? requestLanguage(ctx);
      const it = {
        title: '',
        nav: 'none' as NavSection,
        ...data,
        ...viewHelpers(language, deps.config.i18n.displayTimeZone),
        user: ctx.state.user,
        csrfToken: ctx.state.csrfToken ?? '',
        flash: takeFlash(ctx),
        temporalUiUrl: deps.config.temporal.uiUrl,
        workflowUrl: (workflowId: string) => workflowWebUiUrl(deps.config.temporal, workflowId),
        path: ctx.path,
        requestId: ctx.state.requestId,
      };
      const body = eta.render(view, it);
      ctx.status = status;
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = eta.render('layout', { ...it, body });
    };
    await next();
  };
}

export interface Pagination {
  page: number;
  perPage: number;
  total: number;
  pages: number;
  from: number;
  to: number;
  /** The current URL with page=N (other query parameters kept). */
  url: (page: number) => string;
}

/** page/limit/offset from ?page=, for the query. */
export function pageParams(ctx: Context, perPage = 50): { page: number; limit: number; offset: number } {
  const raw = Number.parseInt(String(ctx.query.page ?? '1'), 10);
  const page = Number.isFinite(raw) && raw > 0 ? Math.min(raw, 100_000) : 1;
  return { page, limit: perPage, offset: (page - 1) * perPage };
}

/** What partials/pagination needs: `include('/partials/pagination', { pagination: paginate(ctx, total, page, perPage) })`. */
export function paginate(ctx: Context, total: number, page: number, perPage: number): Pagination {
  const pages = Math.max(1, Math.ceil(total / perPage));
  const search = new URLSearchParams(ctx.querystring);
  return {
    page,
    perPage,
    total,
    pages,
    from: total === 0 ? 0 : (page - 1) * perPage + 1,
    to: Math.min(total, page * perPage),
    url: (p: number) => {
      search.set('page', String(p));
      return `${ctx.path}?${search.toString()}`;
    },
  };
}
