// The admin web application: one visible list of middleware, then the feature routers.
//
// How to add a page (or a REST endpoint):
//  1. In src/api/routes/<feature>.ts: `export function xxxRoutes(deps: ApiDeps): Router` with `new Router()`,
//     full paths ('/admin-dashboard/...', '/api/...'). Add it to featureRouters() below.
//  2. Everything under /admin-dashboard/ and /api/ already requires a user and refuses viewers any non-GET
//     (see guard() in middleware/auth.ts); still say it per route with requireUser / requireAdmin.
//  3. Bodies: put formBody() or uploadBody(deps.config) (middleware/body.ts) on the route itself. CSRF is
//     already checked: forms include `<%~ include('/partials/csrf', it) %>`; multipart forms post to
//     `?_csrf=<%= it.csrfToken %>`; fetch() sends the X-CSRF-Token header (app.js reads <meta name="csrf-token">).
//  4. Pages: ctx.render('<feature>/<view>', { title, nav, ... }) with views/<feature>/<view>.eta; JSON: ctx.body = {...}.
//     No inline <script> or style="" (CSP): behaviour in public/*.js, looks in public/app.css, charts as SVG attributes.
//  5. State changes: await auditFromCtx(ctx, 'action', target, detail); feedback: ctx.flash('success', '…') + redirect (303).
//  6. Input: declare each route with defineRoute() (src/api/validate.ts: zod schemas of its query, params, body) next to
//     its handler, mount it at koaPath(spec) and read its input with validate(ctx, spec). A REST endpoint's declaration
//     has a `doc` and is listed in src/api/openapi.ts, which generates /api/openapi.json from the declarations.
//     New pages are covered by test/integration/api-security.test.ts, the document by test/integration/api-input.test.ts.
import Koa from 'koa';
import type Router from '@koa/router';
import type { ApiDeps } from './deps';
import { errorHandler } from './middleware/errors';
import { requestLog } from './middleware/request-log';
import { securityHeaders } from './middleware/security-headers';
import { staticFiles } from './middleware/static';
import { schemaFiles } from './middleware/schemas';
import { sessions } from './middleware/session';
import { apiTokenAuth } from './middleware/api-token';
import { guard } from './middleware/auth';
import { csrf } from './middleware/csrf';
import { renderer } from './render';
import { language } from './middleware/language';
import { authRoutes } from './routes/auth';
import { adminUserRoutes } from './routes/admin-users';
import { auditRoutes } from './routes/audit';
import { openapiRoutes } from './openapi';
import { importRoutes } from './routes/imports';
import { scheduleRoutes } from './routes/schedules';
import { validationRuleRoutes } from './routes/validation-rules';
import { courseRoutes } from './routes/courses';
import { courseEditRoutes } from './routes/course-edit';
import { searchAnalyticsRoutes } from './routes/search-analytics';
import { monitoringRoutes } from './routes/monitoring';
import { dashboardRoutes } from './routes/dashboard';
import { mappingProfileRoutes } from './routes/mapping-profiles';
import { feedRoutes } from './routes/feeds';
import { categoryRoutes } from './routes/categories';
import { categoryReviewRoutes } from './routes/category-review';
import { graphqlRoutes } from './graphql/router';

/** Every router of the admin, in mounting order. The security test enumerates their routes from here. */
export function featureRouters(deps: ApiDeps): Router[] {
  return [
    authRoutes(deps),
    adminUserRoutes(deps),
    auditRoutes(deps),
    openapiRoutes(deps),
    importRoutes(deps),
    scheduleRoutes(deps),
    validationRuleRoutes(deps),
    courseRoutes(deps),
    courseEditRoutes(deps),
    searchAnalyticsRoutes(deps),
    monitoringRoutes(deps),
    dashboardRoutes(deps),
    mappingProfileRoutes(deps),
    feedRoutes(deps),
    categoryRoutes(deps),
    categoryReviewRoutes(deps),
    graphqlRoutes(deps),
  ];
}

export function createApp(deps: ApiDeps, routers: Router[] = featureRouters(deps)): Koa {
  const app = new Koa({ proxy: deps.config.server.trustProxy });
  app.context.deps = deps;
  // Errors are answered by errorHandler; Koa's own printing would only duplicate them.
  app.silent = true;

  app.use(requestLog(deps.logger)); // outermost, so the logged status is the one sent, errors included
  app.use(errorHandler()); // HTML error page, or application/problem+json for /api/ and JSON clients
  app.use(securityHeaders()); // CSP without inline script, frame-ancestors 'none', nosniff, HSTS over https
  app.use(renderer(deps)); // ctx.render (also used by errorHandler's pages)
  app.use(staticFiles()); // /static from public/, before any session work
  app.use(schemaFiles()); // /schemas/course.schema.json and /schemas/courses.xsd, public
  app.use(sessions(deps)); // cookie -> ctx.state.user / csrfToken, ctx.flash
  app.use(apiTokenAuth(deps)); // Authorization: Bearer -> ctx.state.user (via 'token')
  app.use(language()); // saved choice, else Accept-Language, else French -> ctx.state.language and ctx.state.t
  app.use(guard()); // deny by default under /admin-dashboard/ and /api/; viewers: GET/HEAD only
  app.use(csrf()); // unsafe methods with a session need the token, checked before any body is parsed
  app.use(async (ctx, next) => {
    if (ctx.path === '/' || ctx.path === '/admin-dashboard') return ctx.redirect('/admin-dashboard/');
    await next();
  });
  for (const router of routers) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  return app;
}
