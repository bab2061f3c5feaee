// Validation rules an admin sets without code (issue 12), globally or for one column mapping profile: fields
// required beyond the title, an allowed list of categories (an unknown one is an error or a warning), price and
// duration bounds, a minimum quality score. They apply after normalisation, to the normalised course, and give
// row errors / warnings with codes like every other problem (row-codes.ts: rule_*), so they are shown in the
// reader's language. Pure: the rules are read and snapshotted by src/db/validation-rules.ts.
import { z } from 'zod';
import type { NormalizedCourse, RowError } from './types';
import { foldWords } from './text';
import { PRICE_MAX, DURATION_MAX_HOURS } from './numbers';

/** Fields a rule may require (the title always is). */
// Not tags: a course always has generated tags (its level, title keywords), so "the file gave tags" is not a
// property of the normalised course.
export const REQUIRABLE_FIELDS = ['description', 'category', 'instructor', 'duration', 'lessons', 'external_id'] as const;
export type RequirableField = (typeof REQUIRABLE_FIELDS)[number];

/** At most this many allowed categories, each at most 100 characters (a category's own bound). */
export const CATEGORIES_MAX = 500;
const CATEGORY_MAX_CHARS = 100;

const bound = (max: number) => z.number().finite().min(0).max(max).nullable();

/** The rules of one scope, as stored (validation_rules.rules) and edited on the admin page. */
export const validationRulesSchema = z
  .object({
    required: z.array(z.enum(REQUIRABLE_FIELDS)).max(REQUIRABLE_FIELDS.length),
    /** Allowed categories as written; empty: any category. Compared folded (case and accents ignored). */
    categories: z.array(z.string().trim().min(1).max(CATEGORY_MAX_CHARS)).max(CATEGORIES_MAX),
    /** A category not in the list: the row fails ('error') or is imported with a warning ('warning'). */
    unknownCategory: z.enum(['error', 'warning']),
    /** Euros, inclusive. */
    priceMin: bound(PRICE_MAX),
    priceMax: bound(PRICE_MAX),
    /** Hours, inclusive; a course without a duration is not checked (require 'duration' for that). */
    durationMin: bound(DURATION_MAX_HOURS),
    durationMax: bound(DURATION_MAX_HOURS),
    /** 0–100 (quality.ts); a course scoring below fails. */
    minQuality: z.number().int().min(0).max(100).nullable(),
  })
  .refine((r) => r.priceMin === null || r.priceMax === null || r.priceMin <= r.priceMax, { message: 'the minimum price is above the maximum', path: ['priceMin'] })
  .refine((r) => r.durationMin === null || r.durationMax === null || r.durationMin <= r.durationMax, {
    message: 'the minimum duration is above the maximum',
    path: ['durationMin'],
  });
export type ValidationRules = z.infer<typeof validationRulesSchema>;

/** No rule: what a scope without stored rules means. */
export const NO_RULES: ValidationRules = {
  required: [],
  categories: [],
  unknownCategory: 'error',
  priceMin: null,
  priceMax: null,
  durationMin: null,
  durationMax: null,
  minQuality: null,
};

/** Whether `r` sets no rule at all. */
export function isEmptyRules(r: ValidationRules): boolean {
  return r.required.length === 0 && r.categories.length === 0 && r.priceMin === null && r.priceMax === null
    && r.durationMin === null && r.durationMax === null && r.minQuality === null;
}

/**
 * The rules an import runs with: the global rules, with the profile's on top. Required fields add up; the
 * profile's category list (and what an unknown category does) replaces the global one when it has one; each
 * bound set by the profile replaces the global one.
 */
export function effectiveRules(global: ValidationRules, profile: ValidationRules | null): ValidationRules {
  if (profile === null) return global;
  const categories = profile.categories.length > 0 ? profile : global;
  return {
    required: REQUIRABLE_FIELDS.filter((f) => global.required.includes(f) || profile.required.includes(f)),
    categories: categories.categories,
    unknownCategory: categories.unknownCategory,
    priceMin: profile.priceMin ?? global.priceMin,
    priceMax: profile.priceMax ?? global.priceMax,
    durationMin: profile.durationMin ?? global.durationMin,
    durationMax: profile.durationMax ?? global.durationMax,
    minQuality: profile.minQuality ?? global.minQuality,
  };
}

function present(course: NormalizedCourse, field: RequirableField): boolean {
  switch (field) {
    case 'description':
      return course.description.trim() !== '';
    case 'category':
      return course.category !== null;
    case 'instructor':
      return course.instructor !== null;
    case 'duration':
      return course.duration_hours !== null;
    case 'lessons':
      return course.lessons.length > 0;
    case 'external_id':
      return course.external_id !== null;
  }
}

/**
 * The problems of one normalised course under `rules`: errors (the row fails) and warnings (imported, with a
 * note). Each has a rule_* code and its values (row-codes.ts), and the English message the CLI shows.
 */
export function checkRules(course: NormalizedCourse, rules: ValidationRules): { errors: RowError[]; warnings: RowError[] } {
  const errors: RowError[] = [];
  const warnings: RowError[] = [];
  for (const field of rules.required) {
    if (!present(course, field)) errors.push({ field, code: 'rule_required', params: {}, message: `${field}: missing; the import rules require it` });
  }
  if (rules.categories.length > 0 && course.category !== null) {
    const folded = foldWords(course.category);
    if (!rules.categories.some((c) => foldWords(c) === folded)) {
      const allowed = rules.categories.slice(0, 20).join(', ') + (rules.categories.length > 20 ? ', …' : '');
      const value = `'${course.category}'`;
      (rules.unknownCategory === 'error' ? errors : warnings).push({
        field: 'category',
        code: 'rule_category_not_allowed',
        params: { value, allowed },
        message: `category: ${value} is not one of the allowed categories (${allowed})`,
      });
    }
  }
  if (rules.priceMin !== null && course.price < rules.priceMin) {
    errors.push({ field: 'price', code: 'rule_price_below', params: { value: course.price, min: rules.priceMin }, message: `price: ${course.price} is below the minimum price of ${rules.priceMin} set by the import rules` });
  }
  if (rules.priceMax !== null && course.price > rules.priceMax) {
    errors.push({ field: 'price', code: 'rule_price_above', params: { value: course.price, max: rules.priceMax }, message: `price: ${course.price} is above the maximum price of ${rules.priceMax} set by the import rules` });
  }
  const hours = course.duration_hours;
  if (hours !== null && rules.durationMin !== null && hours < rules.durationMin) {
    errors.push({ field: 'duration', code: 'rule_duration_below', params: { value: hours, min: rules.durationMin }, message: `duration: ${hours} hours is below the minimum of ${rules.durationMin} hours set by the import rules` });
  }
  if (hours !== null && rules.durationMax !== null && hours > rules.durationMax) {
    errors.push({ field: 'duration', code: 'rule_duration_above', params: { value: hours, max: rules.durationMax }, message: `duration: ${hours} hours is above the maximum of ${rules.durationMax} hours set by the import rules` });
  }
  if (rules.minQuality !== null && course.quality_score < rules.minQuality) {
    errors.push({
      field: 'quality_score',
      code: 'rule_quality_below',
      params: { value: course.quality_score, min: rules.minQuality },
      message: `quality_score: the quality score is ${course.quality_score}; the import rules require at least ${rules.minQuality}`,
    });
  }
  return { errors, warnings };
}
