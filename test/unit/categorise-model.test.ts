import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  deserialise,
  fitTemperature,
  predict,
  predictProba,
  referenceScores,
  serialise,
  stratifiedSplit,
  train,
  METHODS,
  type LabelledCourse,
} from '../../src/categorise/model';
import type { CourseText } from '../../src/categorise/contract';
import { centroidClassifier, crossValidate, crossValidateWith, mixture } from '../../bench/categorise';
import { evaluate, notWorse } from '../../src/categorise/evaluate';
import { extractFeatures, DEFAULT_FEATURES, guessLanguage, words } from '../../src/categorise/text';
import { readEvaluationSet } from '../../src/categorise/evaluation-set';
import { categoriserOf } from '../../src/categorise/load';
import { readWordVectors, shippedWordVectors } from '../../src/categorise/word-vectors';

const c = (categoryId: number, title: string, description: string | null = null, tags: string[] = []): LabelledCourse => ({
  categoryId,
  text: { title, description, lessonTitles: [], tags },
});

// A small catalogue: 1 = Bureautique, 2 = Développement, 3 = Langues.
const SMALL: LabelledCourse[] = [
  c(1, 'Excel niveau 1', 'Formules, mise en forme et impression', ['excel']),
  c(1, 'Excel tableaux croisés dynamiques', null, ['excel']),
  c(1, 'Word : documents longs', 'Styles et table des matières', ['word']),
  c(1, 'PowerPoint presentations', 'Slide masters and layouts', ['powerpoint']),
  c(1, 'Outlook email and calendar', null, ['outlook']),
  c(1, 'Excel charts and formulas', null, ['excel']),
  c(2, 'Python pour débutants', 'Variables, boucles et fonctions', ['python']),
  c(2, 'JavaScript: the complete guide', 'Closures, modules and async code', ['javascript']),
  c(2, 'React et les hooks', 'Composants et état', ['react', 'javascript']),
  c(2, 'Java orienté objet', 'Classes et héritage', ['java']),
  c(2, 'Node.js REST APIs', 'Routes and validation', ['node', 'javascript']),
  c(2, 'Python data structures and functions', null, ['python']),
  c(3, 'Anglais professionnel', 'Réunions et e-mails en anglais', ['anglais']),
  c(3, 'Spanish for beginners', 'Greetings and numbers', ['spanish']),
  c(3, 'Allemand des affaires', 'Correspondance en allemand', ['allemand']),
  c(3, 'French grammar refresher', 'Tenses and articles', ['french']),
  c(3, 'Italien pour voyager', null, ['italien']),
  c(3, 'English pronunciation', 'Vowels and stress', ['english']),
];

test('words keep the signs of C#, C++ and .NET; the language is guessed from function words', () => {
  assert.deepEqual(words('C# et C++ avec .NET'), ['c#', 'et', 'c++', 'avec', '.net']);
  assert.equal(guessLanguage(words('Les bases de la programmation')), 'fr');
  assert.equal(guessLanguage(words('The basics of programming')), 'en');
  const f = extractFeatures({ title: 'Développement web', description: null, lessonTitles: [], tags: [] }, DEFAULT_FEATURES);
  // Stemmed (French Snowball) and folded: "développement" and "developpement" give the same word feature.
  assert.ok(f.has('w:developp'), [...f.keys()].join(' '));
  assert.ok(f.has('c: dev'));
});

test('every method learns a small catalogue and predicts new courses of each kind in both languages', () => {
  for (const method of METHODS) {
    const m = train(SMALL, { method });
    const cases: [string, number][] = [
      ['Excel : formules avancées', 1],
      ['Advanced Python functions', 2],
      ['Anglais : les e-mails', 3],
      ['JavaScript pour les débutants', 2],
    ];
    for (const [title, want] of cases) {
      const p = predict(m, { title, description: null, lessonTitles: [], tags: [] });
      assert.equal(p?.categoryId, want, `${method}: ${title} -> ${p?.categoryId}`);
      assert.ok(p!.confidence > 0 && p!.confidence <= 1);
    }
  }
});

test('a text the model has never seen a feature of gets no prediction', () => {
  const m = train(SMALL);
  assert.equal(predict(m, { title: 'zzzz qqqq', description: null, lessonTitles: [], tags: [] }), null);
});

test('suggested tags are the category’s common tags that the course mentions and does not have', () => {
  const m = train(SMALL);
  const p = predict(m, { title: 'Excel pour la paie', description: 'Des formules Excel utiles', lessonTitles: [], tags: [] });
  assert.equal(p?.categoryId, 1);
  assert.deepEqual(p?.suggestedTags, ['excel']);
  const again = predict(m, { title: 'Excel pour la paie', description: null, lessonTitles: [], tags: ['Excel'] });
  assert.deepEqual(again?.suggestedTags, []);
});

test('a stored model predicts exactly as the trained one, through the Categoriser seam', () => {
  const m = train(SMALL);
  const back = deserialise(JSON.parse(JSON.stringify(serialise(m))));
  const cat = categoriserOf(back, 7);
  const text = { title: 'Java et Spring', description: null, lessonTitles: ['Classes'], tags: [] };
  const a = predict(m, text)!;
  const b = cat.suggest(text)!;
  assert.equal(b.categoryId, a.categoryId);
  assert.equal(b.modelVersion, 7);
  assert.ok(Math.abs(b.confidence - a.confidence) < 1e-4);
  assert.throws(() => deserialise({ format: 2 }), TypeError);
});

test('a retrain after corrections changes the prediction of the corrected kind', () => {
  const probe = { title: 'VBA et macros', description: 'Automatiser des tâches répétitives', lessonTitles: [], tags: [] };
  // Before: courses about macros were filed under Développement.
  const before = [...SMALL, c(2, 'Macros VBA', 'Automatiser avec du code'), c(2, 'Écrire des macros VBA', null), c(2, 'VBA : automatiser', null)];
  assert.equal(predict(train(before), probe)?.categoryId, 2);
  // The reviewer corrected them to Bureautique: the next model follows.
  const corrected = before.map((x) => (/VBA/.test(x.text.title) ? { ...x, categoryId: 1 } : x));
  assert.equal(predict(train(corrected), probe)?.categoryId, 1);
});

test('evaluation: accuracy, macro-F1, coverage at a threshold, covered accuracy and the majority baseline', () => {
  const m = train(SMALL);
  const heldOut = [c(1, 'Excel formules'), c(2, 'Python fonctions'), c(3, 'Anglais e-mails'), c(3, 'Python pour les linguistes')];
  const e = evaluate(m, heldOut, SMALL.map((s) => s.categoryId), 0);
  assert.equal(e.n, 4);
  assert.equal(e.accuracy, 0.75);
  assert.equal(e.coverage, 1);
  assert.equal(e.coveredAccuracy, 0.75);
  // Majority class of training (ties -> lowest id 1): one held-out course of 4 is in it.
  assert.equal(e.majorityBaseline, 0.25);
  // Per class F1: 1 -> 1, 2 -> 2/3 (1 TP, 1 FP), 3 -> 2/3 (1 TP, 1 FN).
  assert.ok(Math.abs(e.macroF1 - (1 + 2 / 3 + 2 / 3) / 3) < 1e-9);
  const none = evaluate(m, heldOut, [1], 1.01);
  assert.equal(none.coverage, 0);
  assert.equal(none.coveredAccuracy, 1);
  assert.equal(notWorse(e, null), true);
  assert.equal(notWorse({ ...e, accuracy: 0.7 }, e), false);
  assert.equal(notWorse({ ...e, accuracy: 0.748 }, e), true);
});

test('the evaluation set has 600+ courses over 15+ categories in French and English, split per category', () => {
  const { courses, categories } = readEvaluationSet();
  assert.ok(courses.length >= 600, `${courses.length}`);
  assert.ok(categories.length >= 15);
  for (const lang of ['fr', 'en']) assert.ok(courses.filter((x) => x.language === lang).length >= 250, lang);
  const titles = new Set(courses.map((x) => x.text.title.toLowerCase()));
  assert.equal(titles.size, courses.length, 'no two courses share a title');
  const { train: tr, test: te } = stratifiedSplit(courses, 0.2, 1);
  assert.equal(tr.length + te.length, courses.length);
  for (let k = 1; k <= categories.length; k++) assert.ok(te.some((x) => x.categoryId === k), `category ${k} held out`);
});

test('prediction (per-word TF, cached word scores) gives exactly the scores of the training vector, for every method', () => {
  const { courses } = readEvaluationSet();
  const { train: part, test: held } = stratifiedSplit(courses, 0.2, 3);
  for (const method of METHODS) {
    // The linear heads alone (the word-vector head is not a function of these features).
    const m = train(part.slice(0, 200), { method, epochs: 5, vectorWeight: 0 });
    for (const h of held.slice(0, 40)) {
      const p = predictProba(m, h.text)!;
      const ref = referenceScores(m, h.text).map((s, i) => softmax(s, m.heads[i]!.temperature));
      for (let k = 0; k < p.length; k++) {
        const want = ref.reduce((acc, r) => acc + r[k]! / ref.length, 0);
        assert.ok(Math.abs(p[k]! - want) < 1e-6, `${method}: ${h.text.title} class ${k}: ${p[k]} vs ${want}`);
      }
    }
  }
});

/** Plain softmax(s / t), the definition the model's confidence follows. */
function softmax(s: ArrayLike<number>, t: number): number[] {
  const max = Math.max(...Array.from(s));
  const e = Array.from(s, (v) => Math.exp((v - max) / t));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
}

test('a model stored in format 1 (before ensembles and per-word TF) still loads and predicts as it did', () => {
  const fixture = JSON.parse(readFileSync(new URL('../fixtures/categorisation/model-format1.json', import.meta.url), 'utf8')) as {
    model: { format: number };
    expected: { text: CourseText; prediction: { categoryId: number; confidence: number; suggestedTags: string[] } }[];
  };
  assert.equal(fixture.model.format, 1);
  const m = deserialise(fixture.model);
  for (const { text, prediction } of fixture.expected) {
    const p = predict(m, text)!;
    assert.equal(p.categoryId, prediction.categoryId, text.title);
    assert.ok(Math.abs(p.confidence - prediction.confidence) < 1e-4, `${text.title}: ${p.confidence} vs ${prediction.confidence}`);
    assert.deepEqual(p.suggestedTags, prediction.suggestedTags);
  }
  // Stored again, it stays what it was: one head, no per-word TF.
  const again = serialise(m);
  assert.equal(again.members, undefined);
  assert.equal(again.features.perWordTf, undefined);
});

test('an ensemble is stored in format 2 with its members, and a damaged or unknown model is refused clearly', () => {
  const m = train(SMALL, { method: 'ensemble', ensemble: ['cnb', 'centroid'] });
  const stored = serialise(m);
  assert.equal(stored.format, 2);
  assert.equal(stored.members?.length, 1);
  const back = deserialise(JSON.parse(JSON.stringify(stored)));
  const text = { title: 'Python et JavaScript', description: null, lessonTitles: [], tags: [] };
  assert.ok(Math.abs(predict(back, text)!.confidence - predict(m, text)!.confidence) < 1e-4);
  assert.throws(() => deserialise({ ...stored, format: 3 }), /retrain/);
  assert.throws(() => deserialise({ ...stored, members: [{ ...stored.members![0]!, weights: [1, 2] }] }), TypeError);
  assert.throws(() => deserialise({ ...stored, idf: [] }), TypeError);
  assert.throws(() => deserialise(null), TypeError);
});

test('training is deterministic for a seed: the same courses give the same stored model', () => {
  for (const method of ['logreg', 'svm', 'ensemble'] as const) {
    const a = JSON.stringify(serialise(train(SMALL, { method })));
    const b = JSON.stringify(serialise(train([...SMALL], { method })));
    assert.equal(a, b, method);
  }
});

test('the temperature is fitted to the evidence: sharp when the top score is always right, flat when it is random', () => {
  const sure = Array.from({ length: 50 }, (_, i) => [i % 2 === 0 ? 3 : 0, i % 2 === 0 ? 0 : 3]);
  const right = sure.map((_, i) => i % 2);
  assert.ok(fitTemperature(sure, right) < 0.5);
  const coin = sure.map((_, i) => (i * 7919) % 3 === 0 ? 1 - (i % 2) : i % 2);
  assert.ok(fitTemperature(sure, coin) > 2);
});

test('numbers are not features, and character n-grams are weighted below words', () => {
  const f = extractFeatures({ title: 'Excel 2019 volume 12345', description: null, lessonTitles: [], tags: [] }, DEFAULT_FEATURES);
  assert.ok(![...f.keys()].some((k) => /\d/.test(k)), [...f.keys()].join(' '));
  const m = train(SMALL);
  const stem = m.data.vocab.indexOf('w:excel');
  const gram = m.data.vocab.indexOf('c:exc');
  assert.ok(stem >= 0 && gram >= 0);
  // Same document frequency (both in every Excel course), the n-gram at DEFAULT_FEATURES.charWeight of the word.
  assert.ok(Math.abs(m.data.idf[gram]! / m.data.idf[stem]! - DEFAULT_FEATURES.charWeight!) < 1e-9);
});

test('cross-validation scores every course once, out of fold, and is reproducible', () => {
  const a = crossValidate(SMALL, { method: 'cnb' }, 3, 5);
  const b = crossValidate(SMALL, { method: 'cnb' }, 3, 5);
  assert.deepEqual(a, b);
  assert.equal(a.folds, 3);
  assert.ok(a.accuracy > 0.5 && a.accuracy <= 1, String(a.accuracy));
  for (const t of a.thresholds) assert.ok(t.coverage >= 0 && t.coverage <= 1 && t.coveredAccuracy >= 0 && t.coveredAccuracy <= 1);
  assert.ok(a.thresholds[0]!.coverage >= a.thresholds.at(-1)!.coverage, 'a higher threshold covers no more');
});

test('the sentence-vector classifiers of the benchmark: a calibrated centroid over dense vectors, mixtures of probabilities', () => {
  // Two-dimensional "sentence vectors": category 1 points along x, 2 along y, 3 along x + y (with some spread).
  const dir: Record<number, [number, number]> = { 1: [1, 0.1], 2: [0.1, 1], 3: [1, 1] };
  const vec = new Map<LabelledCourse, number[]>(SMALL.map((s, i) => [s, dir[s.categoryId]!.map((x, d) => x + ((i * (d + 3)) % 5) * 0.03)]));
  const fit = centroidClassifier((x) => vec.get(x)!);
  const classify = fit(SMALL);
  for (const s of SMALL) {
    const p = classify(s);
    const sum = [...p.values()].reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-9, String(sum));
    assert.equal([...p.entries()].sort((a, b) => b[1] - a[1])[0]![0], s.categoryId);
  }
  // Out of fold, every course scored once, and reproducibly.
  const a = crossValidateWith(SMALL, fit, 3, 5);
  assert.equal(a.outOfFold.size, SMALL.length);
  assert.deepEqual(a.cv, crossValidateWith(SMALL, fit, 3, 5).cv);
  assert.equal(a.cv.accuracy, 1);
  const half = mixture([
    { weight: 0.5, classify: () => new Map([[1, 1]]) },
    { weight: 0.5, classify: () => new Map([[1, 0.2], [2, 0.8]]) },
  ])(SMALL[0]!);
  assert.deepEqual([...half.entries()], [[1, 0.6], [2, 0.4]]);
});

test('the shipped word vectors put translations together, and the vector head reaches words no training course has', () => {
  const t = readWordVectors();
  assert.ok(t.rows.size > 80_000 && t.dim === 128, `${t.rows.size} words x ${t.dim}`);
  const vec = (w: string): number[] => {
    const r = t.rows.get(w)!;
    return Array.from(t.values.subarray(r * t.dim, (r + 1) * t.dim), (x) => x * t.scale[r]!);
  };
  const cos = (a: number[], b: number[]): number =>
    a.reduce((s, x, i) => s + x * b[i]!, 0) / Math.sqrt(a.reduce((s, x) => s + x * x, 0) * b.reduce((s, x) => s + x * x, 0));
  // A word is nearer its translation than an unrelated word of its own language.
  assert.ok(cos(vec('comptabilité'), vec('accounting')) > cos(vec('comptabilité'), vec('jardin')) + 0.2);
  assert.ok(cos(vec('anglais'), vec('english')) > cos(vec('anglais'), vec('budget')));

  // "japonais" and "kanji" are in no course of SMALL: only the vector head knows they are about languages (3).
  const course: CourseText = { title: 'Kanji et japonais', description: null, lessonTitles: [], tags: [] };
  const lexical = train(SMALL, { vectorWeight: 0 });
  const vectorsOnly = train(SMALL, { vectorWeight: 1 });
  assert.equal(lexical.data.vectors, undefined);
  assert.equal(vectorsOnly.data.vectors?.table, shippedWordVectors()!.id);
  const k3 = vectorsOnly.data.classes.indexOf(3);
  assert.equal(predict(vectorsOnly, course)?.categoryId, 3);
  assert.ok(predictProba(vectorsOnly, course)![k3]! > 1 / 3, String(predictProba(vectorsOnly, course)![k3])); // above chance

  // Stored and loaded: the same probabilities; a model trained with another table predicts with its linear heads.
  const stored = serialise(train(SMALL));
  const again = deserialise(JSON.parse(JSON.stringify(stored)));
  const probe: CourseText = { title: 'Anglais pour les réunions', description: 'Vocabulaire', lessonTitles: [], tags: [] };
  const a = predictProba(train(SMALL), probe)!;
  const b = predictProba(again, probe)!;
  a.forEach((x, k) => assert.ok(Math.abs(x - b[k]!) < 1e-4, `${x} vs ${b[k]}`));
  const other = deserialise({ ...JSON.parse(JSON.stringify(stored)), vectors: { ...stored.vectors!, table: '0000000000000000' } });
  const lexicalOnly = deserialise({ ...JSON.parse(JSON.stringify(stored)), vectors: undefined });
  assert.deepEqual(predictProba(other, probe), predictProba(lexicalOnly, probe));
});

test('the word scanner splits exactly as the Unicode regex it replaces, accents, scripts and signed words included', () => {
  const reference = (s: string): string[] => s.toLowerCase().match(/\.net|c\+\+|c#|f#|[\p{L}\p{N}]+/gu) ?? [];
  const { courses } = readEvaluationSet();
  const samples = courses.flatMap((x) => [x.text.title, x.text.description ?? '', x.text.lessonTitles.join(' | '), x.text.tags.join(';')]);
  samples.push('C# et C++ avec .NET', '.network c#net c++x abc++ f# ..net', 'ÉCOLE Straße 𝐀𝐁 日本語 ٣٤ x\uD800y İstanbul ǅ', '');
  for (const s of samples) assert.deepEqual(words(s), reference(s), s);
});

test('the vector head mixes whitened vectors geometrically, and a model stored before that predicts as it did', () => {
  const probe: CourseText = { title: 'Anglais pour les réunions', description: 'Vocabulaire et prononciation', lessonTitles: ['Se présenter'], tags: [] };
  const current = serialise(train(SMALL));
  assert.equal(current.vectors?.mix, 'geometric');
  assert.ok((current.vectors?.whiten ?? 0) > 0 && (current.vectors?.mixTemperature ?? 0) > 0);
  // A model of the previous default (linear mix, unwhitened) is stored without the new fields ...
  const legacyModel = train(SMALL, { vectorMix: 'linear', vectorWhiten: 0, vectorWeight: 0.4 });
  const legacy = serialise(legacyModel);
  assert.equal(legacy.vectors?.mix, undefined);
  assert.equal(legacy.vectors?.whiten, undefined);
  // ... and, loaded by today's code, gives the probabilities it was trained to give.
  const a = predictProba(legacyModel, probe)!;
  const b = predictProba(deserialise(JSON.parse(JSON.stringify(legacy))), probe)!;
  a.forEach((x, k) => assert.ok(Math.abs(x - b[k]!) < 1e-4, `${x} vs ${b[k]}`));
  // The stored fields are what the prediction uses: dropping them from today's model changes its probabilities.
  const { whiten: _w, mix: _m, mixTemperature: _t, ...bare } = current.vectors!;
  const stripped = deserialise({ ...JSON.parse(JSON.stringify(current)), vectors: bare });
  const full = predictProba(deserialise(JSON.parse(JSON.stringify(current))), probe)!;
  assert.ok(full.some((x, k) => Math.abs(x - predictProba(stripped, probe)![k]!) > 1e-3));
});
