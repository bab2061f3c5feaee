import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRules, effectiveRules, NO_RULES, validationRulesSchema, type ValidationRules } from '../../src/domain/validation-rules';
import { normalizeCourse } from '../../src/domain/normalize';
import { stagedRowJson } from '../../src/activities/parse';
import type { StagedRow } from '../../src/db/staging';
import type { NormalizedCourse } from '../../src/domain/types';
import { translator } from '../../src/i18n/i18n';
import { problemText } from '../../src/i18n/row-messages';

// Issue 12: rules an admin sets without code, applied to the normalised course as row errors / warnings.

function course(raw: Record<string, unknown>): NormalizedCourse {
  const r = normalizeCourse(raw);
  assert.ok(r.ok, JSON.stringify(r));
  return r.course;
}

const rules = (over: Partial<ValidationRules>): ValidationRules => ({ ...NO_RULES, ...over });

test('no rule: nothing to say', () => {
  assert.deepEqual(checkRules(course({ title: 'A', price: 10 }), NO_RULES), { errors: [], warnings: [] });
});

test('required fields, categories, bounds and quality each give a coded problem', () => {
  const c = course({ title: 'A', price: 10, category: 'Cuisine', duration: 2 });
  const r = checkRules(c, rules({ required: ['instructor', 'category'], categories: ['Développement web', 'Data'], priceMax: 5, durationMin: 3, minQuality: 50 }));
  assert.deepEqual(r.errors.map((e) => [e.field, e.code]), [
    ['instructor', 'rule_required'],
    ['category', 'rule_category_not_allowed'],
    ['price', 'rule_price_above'],
    ['duration', 'rule_duration_below'],
    ['quality_score', 'rule_quality_below'],
  ]);
  assert.equal(r.warnings.length, 0);
  const fr = translator('fr');
  // Prices and hours are written for the reader by Intl (French: a no-break space before €).
  assert.equal(problemText(fr, r.errors[2]!), 'prix : 10,00\u00a0€ dépasse le prix maximum de 5,00\u00a0€ fixé par les règles d\'import');
  // The English rendering says what the English message says, its quantities formatted (€10.00, 1 hr).
  const en = translator('en');
  assert.equal(problemText(en, r.errors[2]!), 'price: €10.00 is above the maximum price of €5.00 set by the import rules');
  for (const e of [r.errors[0]!, r.errors[1]!, r.errors[4]!]) assert.equal(problemText(en, e), e.message);
});

test('categories are compared without case or accents; an unknown one can be a warning only', () => {
  const allowed = rules({ categories: ['Développement Web'], unknownCategory: 'warning' });
  assert.deepEqual(checkRules(course({ title: 'A', price: 1, category: 'developpement web' }), allowed).warnings, []);
  const r = checkRules(course({ title: 'A', price: 1, category: 'Cuisine' }), allowed);
  assert.deepEqual([r.errors.length, r.warnings.map((w) => w.code)], [0, ['rule_category_not_allowed']]);
});

test('the profile’s rules go on top of the global ones', () => {
  const global = rules({ required: ['description'], categories: ['A'], priceMax: 100, minQuality: 10 });
  const profile = rules({ required: ['instructor'], priceMax: 50 });
  const e = effectiveRules(global, profile);
  assert.deepEqual(e.required, ['description', 'instructor']);
  assert.deepEqual(e.categories, ['A']);
  assert.equal(e.priceMax, 50);
  assert.equal(e.minQuality, 10);
  assert.deepEqual(effectiveRules(global, null), global);
});

test('the schema refuses what cannot be a rule, with a message', () => {
  assert.equal(validationRulesSchema.safeParse(rules({ priceMin: 10, priceMax: 5 })).success, false);
  assert.equal(validationRulesSchema.safeParse({ ...NO_RULES, required: ['title'] }).success, false);
  assert.equal(validationRulesSchema.safeParse({ ...NO_RULES, minQuality: 101 }).success, false);
  assert.equal(validationRulesSchema.safeParse(rules({ priceMin: 1, required: ['lessons'] })).success, true);
});

test('a staged row refused by a rule fails with its error; a rule warning keeps the course', () => {
  const failed = JSON.parse(stagedRowJson({ rowNumber: 2, raw: { title: 'Cher', price: 500 } }, undefined, rules({ priceMax: 100 }))) as StagedRow;
  assert.equal(failed.course, null);
  assert.deepEqual(failed.errors?.map((e) => e.code), ['rule_price_above']);
  const warned = JSON.parse(stagedRowJson({ rowNumber: 3, raw: { title: 'Autre', price: 5, category: 'X' } }, undefined, rules({ categories: ['Y'], unknownCategory: 'warning' }))) as StagedRow;
  assert.ok(warned.course);
  assert.deepEqual(warned.warnings?.map((w) => w.code), ['rule_category_not_allowed']);
});
