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
  FORM_LESSON_ROWS_MAX,
  FORM_VALUE_MAX,
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
import { z } from 'zod';
import { check, defineRoute, first, koaPath, refusalText, validate } from '../validate';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NEW_PATH = `${COURSES_PATH}new/`;
const coursePath = (id: number) => `${COURSES_PATH}${id}/`;
const editPath = (id: number) => `${COURSES_PATH}${id}/edit/`;

type Body = Record<string, unknown>;

/**
 * One raw value of the form: text (a JSON client may send a number or a boolean), at most FORM_VALUE_MAX
 * characters. Only the shape and the bounds: what the values mean is the import's rules (normalizeForm).
 */
const formValue = z.union([z.string().max(FORM_VALUE_MAX), z.number(), z.boolean()]);
const single = first(formValue).optional();
/** A lesson column: one value per row of the form, at most FORM_LESSON_ROWS_MAX rows. */
const rows = z.union([formValue, z.array(formValue).max(FORM_LESSON_ROWS_MAX)]).optional();
const courseForm = z
  .object({
    title: single,
    description: single,
    category: single,
    instructor: single,
    duration: single,
    difficulty: single,
    learning_mode: single,
    price: single,
    is_free: single,
    is_active: single,
    tags: single,
    external_id: single,
    version: single,
    add_lesson: single,
    lesson_title: rows,
    lesson_content: rows,
    lesson_order: rows,
    lesson_video_url: rows,
    lesson_remove: rows,
  })
  .loose();
/**
 * The same fields read without bounds, for the form shown again after a refusal: formValuesOf() cuts each value
 * to FORM_VALUE_MAX and the rows to FORM_LESSON_ROWS_MAX, so what was typed within the bounds is not lost.
 */
const clippedForm = z.record(z.string(), z.unknown()).catch({});
/** A course's id in the path; anything else names no course (404, as an unknown id). */
const courseId = z.object({ id: z.string().regex(/^\d{1,15}$/).transform(Number).refine((n) => Number.isSafeInteger(n)) });
const noCourse = { message: 'There is no such course.', key: 'courseEdit.noCourse' };

/** The form's routes (HTML, and JSON for a client that asks for it); not in the OpenAPI document. */
export const courseEditApi = {
  newForm: defineRoute({ method: 'get', path: NEW_PATH, input: {} }),
  create: defineRoute({ method: 'post', path: NEW_PATH, input: { body: courseForm } }),
  editForm: defineRoute({ method: 'get', path: `${COURSES_PATH}{id}/edit/`, input: { params: courseId }, notFound: noCourse }),
  update: defineRoute({ method: 'post', path: `${COURSES_PATH}{id}/edit/`, input: { params: courseId, body: courseForm }, notFound: noCourse }),
  undo: defineRoute({
    method: 'post',
    path: `${COURSES_PATH}{id}/changes/{editId}/undo/`,
    // The change's id is checked (a UUID, of this course) by the handler, which answers its own 404 ("no such
    // change"): an overlong one is read as '' so that it gets that answer too.
    input: { params: courseId.extend({ editId: z.string().max(100).catch('') }), body: z.object({ force: single }).loose() },
    notFound: noCourse,
  }),
};

/**
 * The form's body by its declaration, or, when a value breaks its bounds, the refusal: thrown to a JSON client
 * (a 400 problem naming the field), and for a page the form again with what was typed (cut to the bounds) and
 * the message, nothing saved.
 */
function formOf(ctx: Context, spec: typeof courseEditApi.create | typeof courseEditApi.update): { body: Body } | { refused: { values: CourseFormValues; message: string } } {
  const checked = check(ctx, { input: { body: spec.input.body } });
  if (checked.ok) return { body: checked.value.body };
  if (wantsJson(ctx)) throw checked.error;
  const clipped = check(ctx, { input: { body: clippedForm } });
  return { refused: { values: formValuesOf(clipped.ok ? clipped.value.body : {}), message: refusalText(ctx.state.t, checked.error) } };
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

  router.get(koaPath(courseEditApi.newForm), requireAdmin, async (ctx) => {
    validate(ctx, courseEditApi.newForm);
    renderForm(ctx, { courseId: null, values: emptyFormValues() });
  });

  router.post(koaPath(courseEditApi.create), requireAdmin, formBody(), async (ctx) => {
    const form = formOf(ctx, courseEditApi.create);
    if ('refused' in form) return renderForm(ctx, { courseId: null, values: form.refused.values, formError: form.refused.message, status: 400 });
    const { body } = form;
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

  router.get(koaPath(courseEditApi.editForm), requireAdmin, async (ctx) => {
    const id = validate(ctx, courseEditApi.editForm).params.id;
    const [course, version] = await Promise.all([getCourse(deps.sql, id), courseVersion(deps.sql, id)]);
    if (!course || version === null) fail(404, 'There is no such course.', { key: 'courseEdit.noCourse' });
    renderForm(ctx, { courseId: id, values: formValuesOfCourse(course, version) });
  });

  router.post(koaPath(courseEditApi.update), requireAdmin, formBody(), async (ctx) => {
    const id = validate(ctx, { input: { params: courseId }, notFound: noCourse }).params.id;
    const form = formOf(ctx, courseEditApi.update);
    if ('refused' in form) return renderForm(ctx, { courseId: id, values: form.refused.values, formError: form.refused.message, status: 400 });
    const { body } = form;
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
  router.post(koaPath(courseEditApi.undo), requireAdmin, formBody(), async (ctx) => {
    const { params, body } = validate(ctx, courseEditApi.undo);
    const { id, editId } = params;
    const edit = UUID.test(editId) ? await getCourseEdit(deps.sql, editId) : null;
    if (!edit || Number(edit.course_id) !== id) fail(404, 'There is no such change.', { key: 'courseEdit.noChange' });
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
