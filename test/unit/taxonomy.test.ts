// The taxonomy's pure rules (issue 14, src/domain/taxonomy.ts): folding, matching a file's category value in
// French or English, and the near-duplicates the assisted merge proposes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildMatcher,
  foldName,
  matchCategory,
  nameSimilarity,
  nearDuplicates,
  seedPlan,
  slugOf,
  type TaxonomyCategory,
} from '../../src/domain/taxonomy';
import { decideRow } from '../../src/domain/category-decision';
import type { Categoriser } from '../../src/categorise/contract';

const cat = (id: number, nameFr: string, nameEn: string, synonyms: string[] = [], extra: Partial<TaxonomyCategory> = {}): TaxonomyCategory => ({
  id, slug: slugOf(nameEn), nameFr, nameEn, synonyms, parentId: null, active: true, ...extra,
});

const TAXONOMY = [
  cat(1, 'Développement', 'Development', ['Programmation', 'Dev']),
  cat(2, 'Bureautique', 'Office software', ['Excel']),
  cat(3, 'Données', 'Données'),
  cat(4, 'Ressources humaines', 'Human resources'),
  cat(5, 'Ancienne', 'Old', [], { active: false }),
];

test('folding: case, accents, punctuation and spaces do not count; + and # do', () => {
  assert.equal(foldName('  Développement   Web! '), 'developpement web');
  assert.equal(foldName('ŒUVRES-d’art'), 'oeuvres d art');
  assert.equal(foldName('C++'), 'c++');
  assert.notEqual(foldName('C#'), foldName('C++'));
  assert.equal(slugOf('Gestion de projet'), 'gestion-de-projet');
  assert.equal(slugOf('C#'), 'c-sharp');
  assert.equal(slugOf('日本語'), 'category');
});

test('a value matches by its French or English name as written, without a warning', () => {
  const m = buildMatcher(TAXONOMY);
  assert.deepEqual(pick(matchCategory(m, 'Développement')), { id: 1, via: 'exact' });
  assert.deepEqual(pick(matchCategory(m, 'Development')), { id: 1, via: 'exact' });
  assert.deepEqual(pick(matchCategory(m, ' Office software ')), { id: 2, via: 'exact' });
});

test('folded names, synonyms (any language) and known translations match, and say how', () => {
  const m = buildMatcher(TAXONOMY);
  assert.deepEqual(pick(matchCategory(m, 'developpement')), { id: 1, via: 'name' });
  assert.deepEqual(pick(matchCategory(m, 'OFFICE-SOFTWARE')), { id: 2, via: 'name' });
  assert.deepEqual(pick(matchCategory(m, 'programmation')), { id: 1, via: 'synonym' });
  assert.deepEqual(pick(matchCategory(m, 'excel')), { id: 2, via: 'synonym' });
  // "Data" is in neither name of category 3, but the dictionary knows it is "Données" in English.
  assert.deepEqual(pick(matchCategory(m, 'Data')), { id: 3, via: 'translation' });
  assert.deepEqual(pick(matchCategory(m, 'HR')), { id: 4, via: 'translation' });
  assert.deepEqual(pick(matchCategory(m, 'RH')), { id: 4, via: 'translation' });
});

test('an unknown value, an empty one or an inactive category match nothing', () => {
  const m = buildMatcher(TAXONOMY);
  assert.equal(matchCategory(m, 'Astrophysique'), null);
  assert.equal(matchCategory(m, '  '), null);
  assert.equal(matchCategory(m, 'Old'), null);
});

test('near-duplicates: same folded name, known translation, close spelling; not a parent and its child', () => {
  const pairs = nearDuplicates([
    cat(1, 'Développement', 'Développement'),
    cat(2, 'Development', 'Development'),
    cat(3, 'developpement', 'developpement'),
    cat(4, 'Marketting', 'Marketting'),
    cat(5, 'Marketing', 'Marketing'),
    cat(6, 'Cuisine', 'Cooking'),
    cat(7, 'Cuisine du monde', 'World cooking', [], { parentId: 6 }),
    cat(8, 'Finance', 'Finance'),
  ]);
  const found = pairs.map((p) => `${p.merge.id}->${p.keep.id}:${p.reason}`);
  assert.ok(found.includes('3->1:same_folded'), found.join(' '));
  assert.ok(found.includes('2->1:translation'), found.join(' '));
  assert.ok(found.includes('3->2:translation'), found.join(' '));
  assert.ok(found.includes('5->4:similar'), found.join(' '));
  assert.ok(!found.some((f) => f.startsWith('7->6')), 'a sub-category is not its parent\'s duplicate');
  assert.ok(!found.some((f) => f.includes('8')), 'Finance has no duplicate');
  assert.equal(pairs[0]!.reason, 'same_folded');
  assert.ok(nameSimilarity('Marketting', 'Marketing') >= 0.8);
  assert.ok(nameSimilarity('Finance', 'Design') < 0.5);
});

test('seeding groups a catalogue\'s values by folded form and known translation, named in both languages', () => {
  const plan = seedPlan([
    { value: 'Développement', courses: 10 },
    { value: 'Development', courses: 3 },
    { value: 'developpement', courses: 1 },
    { value: 'Astrophysique', courses: 2 },
    { value: ' ', courses: 1 },
  ]);
  assert.equal(plan.length, 2);
  const dev = plan.find((p) => p.nameEn === 'Development')!;
  assert.equal(dev.nameFr, 'Développement');
  assert.deepEqual(dev.values.sort(), ['Development', 'Développement', 'developpement'].sort());
  assert.deepEqual(dev.synonyms, []);
  const astro = plan.find((p) => p.nameFr === 'Astrophysique')!;
  assert.equal(astro.nameEn, 'Astrophysique');
  assert.equal(astro.slug, 'astrophysique');
});

const settings = { unknownPolicy: 'suggest' as const, autoThreshold: 0.5 };
const row = (category: string | null, current: number | null = null) => ({ category, title: 'Excel pour débutants', description: null, lesson_titles: [], tags: [], current_category_id: current });
const model = (categoryId: number, confidence: number): Categoriser => ({ modelVersion: 3, suggest: () => ({ categoryId, confidence, modelVersion: 3, suggestedTags: ['excel'] }) });

test('a row: matched, created, refused, or suggested above / below the threshold, with its warning', () => {
  const m = buildMatcher(TAXONOMY);
  const byId = new Map(m.categories.map((c) => [c.id, c]));
  assert.deepEqual(decideRow(row('Development'), m, byId, null, settings).warnings, []);
  const syn = decideRow(row('excel'), m, byId, null, settings);
  assert.equal(syn.categoryId, 2);
  assert.equal(syn.warnings[0]!.code, 'category_matched');
  assert.equal(syn.warnings[0]!.params.context, 'synonym');
  const created = decideRow(row('Astrophysique'), m, byId, null, { ...settings, unknownPolicy: 'create' });
  assert.equal(created.newCategory, 'Astrophysique');
  assert.equal(created.warnings[0]!.code, 'category_created');
  const refused = decideRow(row('Astrophysique'), m, byId, null, { ...settings, unknownPolicy: 'refuse' });
  assert.equal(refused.error!.code, 'category_unknown');
  const high = decideRow(row(null), m, byId, model(2, 0.86), settings);
  assert.equal(high.categoryId, 2);
  assert.equal(high.applied, true);
  assert.deepEqual(high.warnings[0]!.params, { category: 'Office software', category_fr: 'Bureautique', category_en: 'Office software', confidence: 0.86 });
  const low = decideRow(row('Astrophysique'), m, byId, model(2, 0.3), settings);
  assert.equal(low.categoryId, null);
  assert.equal(low.applied, false);
  assert.equal(low.warnings[0]!.code, 'category_review_needed');
  const noModel = decideRow(row(null), m, byId, null, settings);
  assert.equal(noModel.warnings[0]!.params.context, 'noModel');
  // An existing course without a category in the file keeps its own: no question asked.
  assert.deepEqual(decideRow(row(null, 4), m, byId, model(2, 0.9), settings).warnings, []);
});

function pick(m: ReturnType<typeof matchCategory>) {
  return m ? { id: m.category.id, via: m.via } : null;
}

test('a suggestion reads in each reader\'s language, the category named in it and the confidence written for it', async () => {
  const { problemText } = await import('../../src/i18n/row-messages');
  const { translator } = await import('../../src/i18n/i18n');
  const m = buildMatcher(TAXONOMY);
  const byId = new Map(m.categories.map((c) => [c.id, c]));
  const [w] = decideRow(row(null), m, byId, model(2, 0.86), settings).warnings;
  assert.equal(problemText(translator('fr'), w!), 'catégorie proposée : Bureautique (0,86)');
  assert.equal(problemText(translator('en'), w!), 'suggested category: Office software (0.86)');
  const [matched] = decideRow(row('Data'), m, byId, null, settings).warnings;
  assert.equal(problemText(translator('fr'), matched!), 'catégorie : « Data » lu comme la catégorie Données (traduction)');
});
