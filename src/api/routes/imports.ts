// The imports feature of the admin: upload (form and REST) and templates, the history, an import's page
// with its preview / confirm / discard / cancel / revert, and GET /api/imports/:id.
import Router from '@koa/router';
import type { ApiDeps } from '../deps';
import { uploadRoutes } from './imports-upload';
import { importPageRoutes } from './imports-pages';

export function importRoutes(deps: ApiDeps): Router {
  const router = new Router();
  for (const sub of [uploadRoutes(deps), importPageRoutes(deps)]) {
    router.use(sub.routes());
    router.use(sub.allowedMethods());
  }
  return router;
}
