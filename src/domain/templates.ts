// Example catalogues for the admin's "Templates" download, and the serialisers that write them.
// The examples are raw rows (what a file would contain), so they go through the same normalisation as an
// upload; the tests check that every one of them normalises cleanly.

import { neutralizeFormula } from './formula';

export type TemplateKind = 'simple' | 'bulk' | 'with_lessons';
export const TEMPLATE_KINDS: readonly TemplateKind[] = ['simple', 'bulk', 'with_lessons'];

const PYTHON_BASICS = {
  title: 'Python Basics',
  description: 'Introduction au Python',
  category: 'Programmation',
  instructor: 'Jean Dupont',
  duration: 10,
  difficulty: 'beginner',
  learning_mode: 'text',
  price: 0,
  is_free: true,
  lessons: ['Intro', 'Variables', 'Functions'],
  tags: ['python', 'beginner'],
};

const DJANGO_ADVANCED = {
  title: 'Django Advanced',
  description: 'Concepts avancés Django',
  category: 'Web Development',
  instructor: 'Marie Martin',
  duration: 20,
  difficulty: 'advanced',
  learning_mode: 'practice',
  price: 99.99,
  is_free: false,
  lessons: [
    { title: 'Models avancés', content: 'Relations complexes...', order: 1, video_url: 'https://example.com/video1' },
    { title: 'Vues génériques', content: 'ListView, DetailView et mixins.', order: 2, video_url: 'https://example.com/video2' },
    { title: 'Déploiement', content: 'Gunicorn, Nginx et variables d’environnement.', order: 3, video_url: null },
  ],
  tags: ['django', 'python', 'advanced'],
};

type Row = Record<string, unknown>;

function course(
  title: string, description: string, category: string, instructor: string, duration: number,
  difficulty: string, learning_mode: string, price: number, lessons: string[], tags: string[],
): Row {
  return { title, description, category, instructor, duration, difficulty, learning_mode, price, is_free: price === 0, lessons, tags };
}

const BULK: Row[] = [
  PYTHON_BASICS,
  course('JavaScript moderne', 'ES2022, modules et asynchronisme expliqués pas à pas.', 'Développement Web', 'Claire Petit', 12, 'intermediate', 'video', 49.99, ['Let et const', 'Fonctions fléchées', 'Promesses', 'Async/await'], ['javascript', 'web']),
  course('SQL for Data Analysis', 'Query, join and aggregate real datasets with PostgreSQL.', 'Data', 'John Smith', 8, 'beginner', 'practice', 29, ['SELECT basics', 'Joins', 'Aggregations', 'Window functions'], ['sql', 'postgresql', 'data']),
  course('Machine Learning avec scikit-learn', 'Régression, classification et validation croisée.', 'Data Science', 'Amélie Durand', 25, 'advanced', 'mixed', 149, ['Préparer les données', 'Régression linéaire', 'Arbres de décision', 'Validation croisée'], ['machine learning', 'python']),
  course('Git et GitHub', 'Versionner son code et collaborer efficacement.', 'Outils', 'Lucas Bernard', 4, 'all_levels', 'video', 0, ['Premiers commits', 'Branches', 'Pull requests'], ['git', 'github']),
  course('Docker in Practice', 'Build, ship and run containers for your applications.', 'DevOps', 'Sarah Johnson', 6, 'intermediate', 'practice', 39.5, ['Images', 'Containers', 'Volumes', 'Compose'], ['docker', 'containers']),
  course('Excel pour les débutants', 'Formules, tableaux croisés dynamiques et graphiques.', 'Bureautique', 'Nathalie Roux', 5, 'beginner', 'video', 19.99, ['Interface', 'Formules simples', 'Graphiques'], ['excel', 'bureautique']),
  course('TypeScript Deep Dive', 'Generics, conditional types and type-level programming.', 'Programming', 'Michael Brown', 15, 'advanced', 'text', 59, ['Generics', 'Conditional types', 'Mapped types'], ['typescript']),
  course('Photographie numérique', 'Composition, lumière et retouche de vos photos.', 'Arts', 'Julien Moreau', 10, 'all_levels', 'mixed', 0, ['Exposition', 'Composition', 'Retouche'], ['photo']),
  course('Public Speaking', 'Structure a talk and speak with confidence.', 'Soft skills', 'Emma Wilson', 3, 'all_levels', 'video', 25, ['Structure', 'Voice', 'Handling questions'], ['communication']),
  course('React Hooks', 'useState, useEffect and custom hooks in real components.', 'Web Development', 'David Lee', 7, 'intermediate', 'video', 44.99, ['useState', 'useEffect', 'Custom hooks'], ['react', 'javascript']),
  course('Comptabilité pour indépendants', 'Tenir ses comptes, TVA et déclarations.', 'Gestion', 'Sophie Laurent', 6, 'beginner', 'text', 35, ['Bases comptables', 'TVA', 'Déclarations'], ['comptabilité', 'freelance']),
  course('Kubernetes Fundamentals', 'Pods, deployments, services and ingress.', 'DevOps', 'Daniel Garcia', 14, 'intermediate', 'mixed', 89, ['Pods', 'Deployments', 'Services', 'Ingress'], ['kubernetes', 'devops']),
  course('Anglais professionnel', 'Réunions, e-mails et présentations en anglais.', 'Langues', 'Olivia Martin', 20, 'intermediate', 'practice', 59.9, ['E-mails', 'Réunions', 'Présentations'], ['anglais', 'langues']),
  course('Linux Command Line', 'Navigate, script and automate from the shell.', 'Systems', 'Robert Taylor', 9, 'beginner', 'practice', 0, ['Files', 'Pipes', 'Shell scripts'], ['linux', 'bash']),
  course('Cybersécurité : les fondamentaux', 'Menaces, bonnes pratiques et protection des données.', 'Sécurité', 'Thomas Girard', 11, 'all_levels', 'text', 79, ['Menaces courantes', 'Mots de passe', 'RGPD'], ['sécurité', 'rgpd']),
  course('UX Design Principles', 'Research, wireframes and usability testing.', 'Design', 'Laura Clark', 8, 'beginner', 'mixed', 49, ['User research', 'Wireframes', 'Usability tests'], ['ux', 'design']),
  course('Rust pour développeurs C++', 'Ownership, emprunts et concurrence sans data races.', 'Programmation', 'Pierre Lefèvre', 18, 'advanced', 'text', 99, ['Ownership', 'Emprunts', 'Traits', 'Concurrence'], ['rust', 'systèmes']),
  course('Digital Marketing 101', 'SEO, social media and email campaigns.', 'Marketing', 'Jessica White', 5, 'beginner', 'video', 15, ['SEO', 'Social media', 'Email'], ['marketing', 'seo']),
  course('Gestion de projet agile', 'Scrum, Kanban et rituels d’équipe.', 'Management', 'Isabelle Fontaine', 7, 'intermediate', 'mixed', 65, ['Scrum', 'Kanban', 'Rétrospectives'], ['agile', 'scrum']),
];

/** Fresh copies, so a caller may modify them. */
export function sampleCourses(kind: TemplateKind): Record<string, unknown>[] {
  const rows = kind === 'simple' ? [PYTHON_BASICS] : kind === 'with_lessons' ? [DJANGO_ADVANCED] : BULK;
  return structuredClone(rows);
}

/**
 * Prefixes a cell that a spreadsheet program would run as a formula (it starts with = + - @, a tab or a
 * carriage return) with a single quote, which spreadsheets display as text (OWASP "CSV injection").
 * Note: the quote stays in the value if the file is imported back.
 */
export { neutralizeFormula };

const CSV_COLUMNS = ['title', 'description', 'category', 'instructor', 'duration', 'difficulty', 'learning_mode', 'price', 'is_free', 'lessons', 'tags'];

function lessonTitle(l: unknown): string {
  if (typeof l === 'object' && l !== null && 'title' in l) return String((l as { title: unknown }).title ?? '');
  return String(l ?? '');
}

function cellText(column: string, v: unknown): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) {
    // In a CSV cell lessons keep only their titles; content, order and video need JSON or Excel.
    return column === 'lessons' ? v.map(lessonTitle).join(';') : v.map((x) => String(x ?? '')).join(',');
  }
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function quote(cell: string, delimiter: string): string {
  return cell.includes('"') || cell.includes(delimiter) || /[\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

export interface CsvOptions {
  /** ',' (default) or ';' as French Excel expects. */
  delimiter?: ',' | ';';
  /** Start with a UTF-8 byte-order mark so Excel reads accents right (default true). */
  bom?: boolean;
  /** Exactly these columns, in this order (an export's chosen columns); default: the standard ones, then any other key. */
  columns?: readonly string[];
}

/**
 * RFC 4180 CSV (CRLF line ends, fields quoted when needed). Columns: the standard course columns, then
 * external_id and any other key, in first-seen order. Lessons are joined with ";", tags with ",". Text
 * cells are passed through neutralizeFormula; numbers and booleans are written as they are.
 */
export function toCsv(rows: readonly Record<string, unknown>[], options: CsvOptions = {}): string {
  const delimiter = options.delimiter ?? ',';
  const columns = options.columns ? [...options.columns] : [...CSV_COLUMNS];
  if (!options.columns) for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  const line = (cells: string[]) => cells.map((c) => quote(c, delimiter)).join(delimiter);
  const out = [line(columns.map(neutralizeFormula))];
  for (const row of rows) {
    out.push(line(columns.map((column) => {
      const v = row[column];
      const text = cellText(column, v);
      return typeof v === 'number' || typeof v === 'boolean' ? text : neutralizeFormula(text);
    })));
  }
  return `${options.bom === false ? '' : '\uFEFF'}${out.join('\r\n')}\r\n`;
}

export function toJson(rows: readonly Record<string, unknown>[]): string {
  return `${JSON.stringify(rows, null, 2)}\n`;
}
