// Creating and editing a course by hand (the Django admin's change form, issue 11), and undoing such a change.
// The form is read as one source row and goes through the import's own normalisation (src/courses/edit.ts); a
// refused form comes back with its values and the errors beside their fields. Each change is one transaction
// with the course's before-image (src/db/course-edits.ts), then the course's search document, then the audit log.
import Router from '@koa/router';
import type { Context } from 'koa';
import type { ApiDeps } from '../deps';
import { requireAdmin } from '../middleware/auth';
import { formBody } from '../middleware/body';
import { fail, problem } from '../middleware/errors';
import { wantsJson } from '../middleware/negotiate';
import { auditFromCtx } from '../middleware/audit';
import { getCourse } from '../../db/course-queries';
import { courseVersion, createCourse, CourseEditRefused, getCourseEdit, undoCourseEdit, updateCourse } from '../../db/course-edits';
import {
  emptyFormValues,
  formValuesOf,
  formValuesOfCourse,
  normalizeForm,
  withTaxonomyCategory,
  syncCourseDocument,
  type CourseFormValues,
} from '../../courses/edit';
import { DIFFICULTIES, LEARNING_MODES, type RowError } from '../../domain/types';
import { COURSES_PATH } from './courses';
import { problemText } from '../../i18n/row-messages';
import type { Translate } from '../../i18n/i18n';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NEW_PATH = `${COURSES_PATH}new/`;
const coursePath = (id: number) => `${COURSES_PATH}${id}/`;
const editPath = (id: number) => `${COURSES_PATH}${id}/edit/`;

type Body = Record<string, unknown>;

function bodyOf(ctx: Context): Body {
  const b = ctx.request.body;
  return b && typeof b === 'object' && !Array.isArray(b) ? (b as Body) : {};
}

function courseIdOf(ctx: Context): number {
  const raw = String(ctx.params.id ?? '');
  const id = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id)) fail(404, 'There is no such course.', { key: 'courseEdit.noCourse' });
  return id;
}

/**
 * Where each error goes on the form: a course field (`title`, `price`…), a lesson row of the form (`lessons[2].title`
 * counts the lessons kept, 1-based: mapped back to the row of the form, removed rows skipped), or the form as a whole.
 */
function placeErrors(t: Translate, values: CourseFormValues, errors: RowError[]): { fields: Record<string, string[]>; lessonRows: Record<number, string[]>; general: string[] } {
  const kept = values.lessons.map((l, i) => (l.remove ? -1 : i)).filter((i) => i >= 0);
  const fields: Record<string, string[]> = {};
  const lessonRows: Record<number, string[]> = {};
  const general: string[] = [];
  for (const e of errors) {
    const lesson = /^lessons\[(\d+)\]/.exec(e.field);
    const row = lesson ? kept[Number(lesson[1]) - 1] : undefined;
    // In the reader's language from the error's code and parameters, as an import's rows are (the English
    // message is only the fallback of a problem without a code).
    const text = problemText(t, e);
    if (row !== undefined) (lessonRows[row] ??= []).push(text);
    else if (e.field !== '*' && !lesson) (fields[e.field] ??= []).push(text);
    else general.push(text);
  }
  return { fields, lessonRows, general };
}

/** A warning line per normalisation warning, in the flash after a save (the import shows the same). */
function flashWarnings(ctx: Context, warnings: RowError[]): void {
  if (warnings.length === 0) return;
  const t = ctx.state.t;
  ctx.flash('warning', t('courseEdit.warnings', { list: warnings.map((w) => problemText(t, w)).join(' · ') }));
}

export function courseEditRoutes(deps: ApiDeps): Router {
  const router = new Router();
  const searchDeps = { sql: deps.sql, es: deps.es, alias: deps.config.elasticsearch.alias };

  const renderForm = (ctx: Context, o: { courseId: number | null; values: CourseFormValues; errors?: RowError[]; formError?: string | null; status?: number }) => {
    const t = ctx.state.t;
    const placed = placeErrors(t, o.values, o.errors ?? []);
    // Rows left blank are not shown again (the form always ends with one blank row); errors follow their row.
    const shown = o.values.lessons.map((l, i) => ({ l, errors: placed.lessonRows[i] })).filter(({ l }) => l.title.trim() || l.content.trim() || l.video_url.trim());
    const values = { ...o.values, lessons: shown.map((r) => r.l) };
    const lessonErrors = Object.fromEntries(shown.flatMap((r, i) => (r.errors ? [[i, r.errors]] : [])));
    ctx.render(
      'courses/edit',
      {
        title: o.courseId === null ? t('courseEdit.createTitle') : t('courseEdit.editTitle', { title: o.values.title }),
        nav: 'courses',
        courseId: o.courseId,
        action: o.courseId === null ? NEW_PATH : editPath(o.courseId),
        cancel: o.courseId === null ? COURSES_PATH : coursePath(o.courseId),
        values,
        // A blank row to add a lesson, numbered after the others.
        blankOrder: values.lessons.reduce((m, l) => Math.max(m, Number(l.order) || 0), 0) + 1,
        difficulties: DIFFICULTIES,
        learningModes: LEARNING_MODES,
        fieldErrors: placed.fields,
        lessonErrors,
        generalErrors: placed.general,
        errorCount: (o.errors ?? []).length,
        formError: o.formError ?? null,
      },
      o.status ?? 200,
    );
  };

  /** Elasticsearch follows; when it cannot, the change stays saved and the page says how to catch up. */
  const sync = async (ctx: Context, id: number, exists: boolean) => {
    try {
      await syncCourseDocument(searchDeps, id, exists);
    } catch (err) {
      ctx.state.log.error({ err, courseId: id }, 'course saved, search index not updated');
      ctx.flash('warning', ctx.state.t('courseEdit.notIndexed', { error: err instanceof Error ? err.message : String(err) }));
    }
  };

  const refused = (ctx: Context, err: unknown): string => {
    if (!(err instanceof CourseEditRefused)) throw err;
    const t = ctx.state.t;
    switch (err.code) {
      case 'stale':
        return t('courseEdit.stale');
      case 'natural_key_taken':
        return t('courseEdit.keyTaken', { id: err.otherId });
      case 'nothing_to_undo':
        return t('courseEdit.alreadyUndone');
      default:
        return fail(404, 'There is no such course.', { key: 'courseEdit.noCourse' });
    }
  };

  router.get(NEW_PATH, requireAdmin, async (ctx) => {
    renderForm(ctx, { courseId: null, values: emptyFormValues() });
  });

  router.post(NEW_PATH, requireAdmin, formBody(), async (ctx) => {
    const body = bodyOf(ctx);
    const values = formValuesOf(body);
    // "Add a lesson" without JavaScript: the same form again, values kept, with a new blank row.
    if (body.add_lesson) return renderForm(ctx, { courseId: null, values });
    const normalized = normalizeForm(values);
    const result = normalized.ok ? await withTaxonomyCategory(deps.sql, normalized, deps.config.categories) : normalized;
    if (!result.ok) {
      if (wantsJson(ctx)) return problem(ctx, 422, 'The course is not valid.', { errors: result.errors });
      return renderForm(ctx, { courseId: null, values, errors: result.errors, status: 422 });
    }
    let created: { id: number; editId: string };
    try {
      created = await createCourse(deps.sql, result.write, ctx.state.user!.email, result.warnings);
    } catch (err) {
      const message = refused(ctx, err);
      if (wantsJson(ctx)) return problem(ctx, 409, (err as Error).message);
      return renderForm(ctx, { courseId: null, values, formError: message, status: 409 });
    }
    await sync(ctx, created.id, true);
    await auditFromCtx(ctx, 'course.create', `course ${created.id}`, { editId: created.editId, title: result.write.course.title });
    if (wantsJson(ctx)) {
      ctx.status = 201;
      ctx.body = { id: created.id, editId: created.editId, warnings: result.warnings, url: coursePath(created.id) };
      return;
    }
    ctx.flash('success', ctx.state.t('courseEdit.created', { title: result.write.course.title }));
    flashWarnings(ctx, result.warnings);
    ctx.status = 303;
    ctx.redirect(coursePath(created.id));
  });

  router.get(`${COURSES_PATH}:id/edit/`, requireAdmin, async (ctx) => {
    const id = courseIdOf(ctx);
    const [course, version] = await Promise.all([getCourse(deps.sql, id), courseVersion(deps.sql, id)]);
    if (!course || version === null) fail(404, 'There is no such course.', { key: 'courseEdit.noCourse' });
    renderForm(ctx, { courseId: id, values: formValuesOfCourse(course, version) });
  });

  router.post(`${COURSES_PATH}:id/edit/`, requireAdmin, formBody(), async (ctx) => {
    const id = courseIdOf(ctx);
    const body = bodyOf(ctx);
    const values = formValuesOf(body);
    if (body.add_lesson) return renderForm(ctx, { courseId: id, values });
    const normalized = normalizeForm(values);
    const result = normalized.ok ? await withTaxonomyCategory(deps.sql, normalized, deps.config.categories) : normalized;
    if (!result.ok) {
      if (wantsJson(ctx)) return problem(ctx, 422, 'The course is not valid.', { errors: result.errors });
      return renderForm(ctx, { courseId: id, values, errors: result.errors, status: 422 });
    }
    let saved: Awaited<ReturnType<typeof updateCourse>>;
    try {
      saved = await updateCourse(deps.sql, id, values.version || null, result.write, ctx.state.user!.email, result.warnings);
    } catch (err) {
      const message = refused(ctx, err);
      if (wantsJson(ctx)) return problem(ctx, 409, (err as Error).message);
      return renderForm(ctx, { courseId: id, values, formError: message, status: 409 });
    }
    if (saved.editId) {
      await sync(ctx, id, true);
      await auditFromCtx(ctx, 'course.update', `course ${id}`, { editId: saved.editId, fields: saved.changes.map((c) => c.field) });
    }
    if (wantsJson(ctx)) {
      ctx.body = { id, editId: saved.editId, changed: saved.changes.map((c) => c.field), warnings: result.warnings };
      return;
    }
    ctx.flash(saved.editId ? 'success' : 'info', saved.editId ? ctx.state.t('courseEdit.saved', { count: saved.changes.length, n: saved.changes.length }) : ctx.state.t('courseEdit.unchanged'));
    flashWarnings(ctx, result.warnings);
    ctx.status = 303;
    ctx.redirect(coursePath(id));
  });

  // Undo one change of the course's history: restores its before-image (or deletes a course it created).
  router.post(`${COURSES_PATH}:id/changes/:editId/undo/`, requireAdmin, formBody(), async (ctx) => {
    const id = courseIdOf(ctx);
    const editId = String(ctx.params.editId ?? '');
    const edit = UUID.test(editId) ? await getCourseEdit(deps.sql, editId) : null;
    if (!edit || Number(edit.course_id) !== id) fail(404, 'There is no such change.', { key: 'courseEdit.noChange' });
    const body = bodyOf(ctx);
    const force = ['yes', 'true', 'on', '1'].includes(String(body.force ?? ''));
    let undone: Awaited<ReturnType<typeof undoCourseEdit>>;
    try {
      undone = await undoCourseEdit(deps.sql, editId, ctx.state.user!.email, force);
    } catch (err) {
      const message = refused(ctx, err);
      if (wantsJson(ctx)) return problem(ctx, 409, (err as Error).message);
      ctx.flash('error', message);
      ctx.status = 303;
      ctx.redirect(coursePath(id));
      return;
    }
    await sync(ctx, id, undone.exists);
    await auditFromCtx(ctx, 'course.undo', `course ${id}`, { undid: editId, editId: undone.editId, force, deleted: !undone.exists });
    if (wantsJson(ctx)) {
      ctx.body = { id, editId: undone.editId, exists: undone.exists };
      return;
    }
    ctx.flash('success', ctx.state.t(undone.exists ? 'courseEdit.undone' : 'courseEdit.undoneDeleted'));
    ctx.status = 303;
    ctx.redirect(undone.exists ? coursePath(id) : COURSES_PATH);
  });

  return router;
}
