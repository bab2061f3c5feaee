// The category taxonomy's pure rules (issue 14): how a category value from a file, in French or English, is
// matched to a managed category, and which categories look like duplicates of each other. No I/O: the
// categories come from src/db/categories.ts, the import's plan step and the admin page call these.
//
// A value matches a category, in this order:
//   exact        the value is the category's French or English name as written (spaces trimmed): no warning;
//   name         the value's folded form is a name's folded form ("developpement", "DATA"): a warning;
//   synonym      the value (folded) is one of the category's synonyms: a warning;
//   translation  the value is a known French/English translation of a name (the built-in dictionary below,
//                "Data" for a category named only "Données"): a warning.
// Folding (src/domain/identity.ts foldTitle): lower-case, accents removed (œ → oe), every run of whitespace,
// punctuation or symbols collapsed to one space, except "+" and "#" (so "C++" and "C#" stay apart).

import { foldTitle } from './identity';

/** A category as the matching reads it (a row of `categories`). */
export interface TaxonomyCategory {
  id: number;
  slug: string;
  nameFr: string;
  nameEn: string;
  synonyms: string[];
  parentId: number | null;
  active: boolean;
}

/** How a value was matched: `exact` needs no warning, the others are an interpretation the row reports. */
export type MatchVia = 'exact' | 'name' | 'synonym' | 'translation';

export interface CategoryMatch {
  category: TaxonomyCategory;
  via: MatchVia;
}

/** Longest category value considered (a category name's own bound in the course schema is 100). */
export const CATEGORY_VALUE_MAX = 200;

/** The folded form of a category name: "Développement  Web!" → "developpement web". */
export function foldName(name: string): string {
  return foldTitle(name.slice(0, CATEGORY_VALUE_MAX));
}

/**
 * A URL-safe slug of a name: ASCII letters and digits joined by "-", at most 80 characters ("Gestion de projet" →
 * "gestion-de-projet"); "category" when nothing is left (a name in a script without Latin letters).
 */
export function slugOf(name: string): string {
  const slug = foldName(name)
    .replace(/\+/g, ' plus ')
    .replace(/#/g, ' sharp ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return slug === '' ? 'category' : slug;
}

/** Spaces collapsed and trimmed: what "as written" means for an exact match. */
function trimmed(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/**
 * Common course-category names in French and English. Each entry lists French forms then English forms; the
 * first of each is the display name used when a category is seeded from one language only. Sources: the
 * category lists of the big French and English MOOC and training catalogues (FUN-MOOC, OpenClassrooms,
 * Coursera, Udemy), reduced to the names that catalogues share.
 */
export const CATEGORY_TRANSLATIONS: readonly { fr: readonly string[]; en: readonly string[] }[] = [
  { fr: ['Développement', 'Développement logiciel'], en: ['Development', 'Software development'] },
  { fr: ['Développement web'], en: ['Web development'] },
  { fr: ['Développement mobile'], en: ['Mobile development'] },
  { fr: ['Programmation'], en: ['Programming'] },
  { fr: ['Données', 'Data'], en: ['Data'] },
  { fr: ['Science des données'], en: ['Data science'] },
  { fr: ['Bases de données'], en: ['Databases'] },
  { fr: ['Intelligence artificielle', 'IA'], en: ['Artificial intelligence', 'AI'] },
  { fr: ['Apprentissage automatique'], en: ['Machine learning'] },
  { fr: ['Statistiques'], en: ['Statistics'] },
  { fr: ['Mathématiques'], en: ['Mathematics', 'Maths', 'Math'] },
  { fr: ['Informatique'], en: ['Computer science', 'IT'] },
  { fr: ['Bureautique'], en: ['Office software', 'Office'] },
  { fr: ['Management'], en: ['Management'] },
  { fr: ['Leadership'], en: ['Leadership'] },
  { fr: ['Marketing'], en: ['Marketing'] },
  { fr: ['Marketing digital', 'Marketing numérique'], en: ['Digital marketing'] },
  { fr: ['Design'], en: ['Design'] },
  { fr: ['Graphisme', 'Design graphique'], en: ['Graphic design'] },
  { fr: ['Langues'], en: ['Languages'] },
  { fr: ['Finance'], en: ['Finance'] },
  { fr: ['Comptabilité'], en: ['Accounting'] },
  { fr: ['Économie'], en: ['Economics'] },
  { fr: ['Ressources humaines', 'RH'], en: ['Human resources', 'HR'] },
  { fr: ['Sécurité'], en: ['Security'] },
  { fr: ['Cybersécurité'], en: ['Cybersecurity', 'Cyber security'] },
  { fr: ['Réseaux'], en: ['Networks', 'Networking'] },
  { fr: ['Cloud'], en: ['Cloud', 'Cloud computing'] },
  { fr: ['Santé'], en: ['Health'] },
  { fr: ['Bien-être'], en: ['Wellness', 'Well-being'] },
  { fr: ['Vente'], en: ['Sales'] },
  { fr: ['Service client', 'Relation client'], en: ['Customer service'] },
  { fr: ['Communication'], en: ['Communication'] },
  { fr: ['Juridique', 'Droit'], en: ['Legal', 'Law'] },
  { fr: ['Gestion de projet'], en: ['Project management'] },
  { fr: ['Entrepreneuriat'], en: ['Entrepreneurship'] },
  { fr: ['Logistique'], en: ['Logistics'] },
  { fr: ['Achats'], en: ['Purchasing', 'Procurement'] },
  { fr: ['Qualité'], en: ['Quality'] },
  { fr: ['Photographie'], en: ['Photography'] },
  { fr: ['Vidéo'], en: ['Video'] },
  { fr: ['Musique'], en: ['Music'] },
  { fr: ['Rédaction', 'Écriture'], en: ['Writing'] },
  { fr: ['Productivité'], en: ['Productivity'] },
  { fr: ['Développement personnel'], en: ['Personal development'] },
  { fr: ['Éducation', 'Enseignement'], en: ['Education', 'Teaching'] },
  { fr: ['Environnement'], en: ['Environment'] },
  { fr: ['Cuisine'], en: ['Cooking'] },
  { fr: ['Sport'], en: ['Sport', 'Sports'] },
];

/** Folded form → index of its entry in CATEGORY_TRANSLATIONS. */
const TRANSLATION_INDEX: ReadonlyMap<string, number> = (() => {
  const m = new Map<string, number>();
  CATEGORY_TRANSLATIONS.forEach((entry, i) => {
    for (const form of [...entry.fr, ...entry.en]) if (!m.has(foldName(form))) m.set(foldName(form), i);
  });
  return m;
})();

/**
 * The French and English display names the dictionary knows for a name ("Données" → {fr: "Données", en:
 * "Data"}), or null when it knows none.
 */
export function knownTranslation(name: string): { fr: string; en: string } | null {
  const i = TRANSLATION_INDEX.get(foldName(name));
  if (i === undefined) return null;
  const entry = CATEGORY_TRANSLATIONS[i]!;
  return { fr: entry.fr[0]!, en: entry.en[0]! };
}

/** True when the dictionary puts both names in the same entry (a known translation, or two forms of one name). */
export function areTranslations(a: string, b: string): boolean {
  const i = TRANSLATION_INDEX.get(foldName(a));
  return i !== undefined && i === TRANSLATION_INDEX.get(foldName(b));
}

/** The lookup tables of a taxonomy, built once per import attempt (see buildMatcher). */
export interface CategoryMatcher {
  readonly categories: readonly TaxonomyCategory[];
  readonly byExact: ReadonlyMap<string, TaxonomyCategory>;
  readonly byFoldedName: ReadonlyMap<string, TaxonomyCategory>;
  readonly bySynonym: ReadonlyMap<string, TaxonomyCategory>;
  /** Translation entry index → category whose name is in that entry. */
  readonly byTranslation: ReadonlyMap<number, TaxonomyCategory>;
}

/**
 * The lookup tables of a taxonomy. Inactive categories are left out (a deactivated category takes no new
 * courses). When two categories claim the same form, the one with the lowest id keeps it (the older one: the
 * admin page's assisted merge lists such pairs).
 */
export function buildMatcher(categories: readonly TaxonomyCategory[]): CategoryMatcher {
  const active = [...categories].filter((c) => c.active).sort((a, b) => a.id - b.id);
  const byExact = new Map<string, TaxonomyCategory>();
  const byFoldedName = new Map<string, TaxonomyCategory>();
  const bySynonym = new Map<string, TaxonomyCategory>();
  const byTranslation = new Map<number, TaxonomyCategory>();
  const put = <K>(m: Map<K, TaxonomyCategory>, k: K, c: TaxonomyCategory) => {
    if (!m.has(k)) m.set(k, c);
  };
  for (const c of active) {
    for (const name of [c.nameFr, c.nameEn]) {
      put(byExact, trimmed(name), c);
      put(byFoldedName, foldName(name), c);
      const t = TRANSLATION_INDEX.get(foldName(name));
      if (t !== undefined) put(byTranslation, t, c);
    }
    for (const s of c.synonyms) put(bySynonym, foldName(s), c);
  }
  return { categories: active, byExact, byFoldedName, bySynonym, byTranslation };
}

/**
 * The category a value names, and how it was recognised (see the module's comment for the order), or null when
 * no active category matches. An empty value matches nothing.
 */
export function matchCategory(matcher: CategoryMatcher, value: string): CategoryMatch | null {
  const exact = matcher.byExact.get(trimmed(value));
  if (exact) return { category: exact, via: 'exact' };
  const folded = foldName(value);
  if (folded === '') return null;
  const byName = matcher.byFoldedName.get(folded);
  if (byName) return { category: byName, via: 'name' };
  const bySynonym = matcher.bySynonym.get(folded);
  if (bySynonym) return { category: bySynonym, via: 'synonym' };
  const t = TRANSLATION_INDEX.get(folded);
  const byTranslation = t === undefined ? undefined : matcher.byTranslation.get(t);
  if (byTranslation) return { category: byTranslation, via: 'translation' };
  return null;
}

/** The category's name in a language ('fr' or anything else: English). */
export function categoryName(c: Pick<TaxonomyCategory, 'nameFr' | 'nameEn'>, lang: string): string {
  return lang === 'fr' ? c.nameFr : c.nameEn;
}

/**
 * Similarity of two names in [0, 1]: 1 − Levenshtein distance / length of the longer, on their folded forms
 * (so case, accents and punctuation cost nothing). "Developement" vs "Développement": 0.92.
 */
export function nameSimilarity(a: string, b: string): number {
  const x = foldName(a);
  const y = foldName(b);
  if (x === y) return 1;
  const longest = Math.max([...x].length, [...y].length);
  return longest === 0 ? 1 : 1 - levenshtein(x, y) / longest;
}

/** Edit distance (insertions, deletions, substitutions) between two strings, by code point; two-row DP. */
export function levenshtein(a: string, b: string): number {
  const s = [...a];
  const t = [...b];
  if (s.length === 0) return t.length;
  if (t.length === 0) return s.length;
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  let cur = new Array<number>(t.length + 1).fill(0);
  for (let i = 1; i <= s.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[t.length]!;
}

/** Names at least this similar (nameSimilarity) are proposed for a merge. */
export const SIMILARITY_THRESHOLD = 0.8;

/** Why two categories look like one. */
export type DuplicateReason = 'same_folded' | 'translation' | 'similar';

export interface DuplicatePair {
  /** The older category (lower id): the suggested target of the merge. */
  keep: TaxonomyCategory;
  /** The category to merge into `keep`. */
  merge: TaxonomyCategory;
  reason: DuplicateReason;
  /** nameSimilarity of the closest names (1 for same_folded). */
  score: number;
}

/**
 * Pairs of active categories that probably are one (the admin page's "assisted merge"): the same folded name or
 * synonym, names that the dictionary gives as translations of each other, or names at least `threshold` similar.
 * Each pair once, strongest reasons first, then by score. Quadratic in the number of categories: a taxonomy has
 * hundreds, not millions. A category is never paired with its own parent or child (a sub-category is often
 * named after its parent on purpose).
 */
export function nearDuplicates(categories: readonly TaxonomyCategory[], threshold = SIMILARITY_THRESHOLD): DuplicatePair[] {
  const active = [...categories].filter((c) => c.active).sort((a, b) => a.id - b.id);
  const forms = active.map((c) => {
    const names = [c.nameFr, c.nameEn];
    return { names, folded: new Set([...names, ...c.synonyms].map(foldName).filter((f) => f !== '')) };
  });
  const order: Record<DuplicateReason, number> = { same_folded: 0, translation: 1, similar: 2 };
  const out: DuplicatePair[] = [];
  for (let i = 0; i < active.length; i++) {
    for (let j = i + 1; j < active.length; j++) {
      const a = active[i]!;
      const b = active[j]!;
      if (a.parentId === b.id || b.parentId === a.id) continue;
      const fa = forms[i]!;
      const fb = forms[j]!;
      let reason: DuplicateReason | null = null;
      let score = 0;
      if ([...fa.folded].some((f) => fb.folded.has(f))) {
        reason = 'same_folded';
        score = 1;
      } else if (fa.names.some((x) => fb.names.some((y) => areTranslations(x, y)))) {
        reason = 'translation';
        score = 1;
      } else {
        for (const x of fa.names) for (const y of fb.names) score = Math.max(score, nameSimilarity(x, y));
        if (score >= threshold) reason = 'similar';
      }
      if (reason) out.push({ keep: a, merge: b, reason, score });
    }
  }
  return out.sort((p, q) => order[p.reason] - order[q.reason] || q.score - p.score || p.keep.id - q.keep.id || p.merge.id - q.merge.id);
}

/** A category to create when seeding: display names in both languages, and the other forms seen as synonyms. */
export interface SeedCategory {
  slug: string;
  nameFr: string;
  nameEn: string;
  synonyms: string[];
  /** The source values this category stands for (as written in courses.category). */
  values: string[];
}

/**
 * The categories to seed from the distinct category values of a catalogue (each with how many courses use it):
 * values with the same folded form, or that the dictionary gives as one name in two languages, become one
 * category named by the dictionary when it knows the name, else by the most used value (in both languages, to
 * be corrected by an admin); the other forms become synonyms. Slugs are unique (a "-2" suffix when needed).
 */
export function seedPlan(values: readonly { value: string; courses: number }[]): SeedCategory[] {
  const sorted = [...values].filter((v) => foldName(v.value) !== '').sort((a, b) => b.courses - a.courses || a.value.localeCompare(b.value));
  const groups = new Map<string, { values: string[] }>();
  for (const v of sorted) {
    const t = TRANSLATION_INDEX.get(foldName(v.value));
    const key = t !== undefined ? `t:${t}` : `f:${foldName(v.value)}`;
    const g = groups.get(key) ?? { values: [] };
    g.values.push(trimmed(v.value));
    groups.set(key, g);
  }
  const slugs = new Set<string>();
  const out: SeedCategory[] = [];
  for (const g of groups.values()) {
    const first = g.values[0]!;
    const known = knownTranslation(first);
    const nameFr = known?.fr ?? first;
    const nameEn = known?.en ?? first;
    const names = new Set([foldName(nameFr), foldName(nameEn)]);
    const synonyms: string[] = [];
    for (const v of g.values) {
      if (names.has(foldName(v))) continue;
      if (!synonyms.some((s) => foldName(s) === foldName(v))) synonyms.push(v);
    }
    let slug = slugOf(nameEn);
    for (let n = 2; slugs.has(slug); n++) slug = `${slugOf(nameEn)}-${n}`;
    slugs.add(slug);
    out.push({ slug, nameFr, nameEn, synonyms, values: g.values });
  }
  return out;
}
