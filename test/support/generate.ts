// Seeded, realistic course catalogues for tests and the benchmark: French and English, 3-12 lessons,
// every difficulty and mode, some prices with decimals. Same seed, same file.

const frTopics = ['Python', 'Django', 'Rust', 'Go', 'Kubernetes', 'SQL', 'Excel', 'Photoshop', 'Marketing digital', 'Comptabilité', 'Gestion de projet', 'Cuisine française'];
const enTopics = ['JavaScript', 'React', 'TypeScript', 'Machine Learning', 'Data Science', 'Public Speaking', 'Leadership', 'Docker', 'Linux', 'Statistics', 'Guitar', 'Photography'];
const frLevels = ['débutant', 'intermédiaire', 'avancé', 'tous niveaux'];
const enLevels = ['beginner', 'intermediate', 'advanced', 'all levels'];
const frModes = ['texte', 'vidéo', 'pratique', 'mixte'];
const enModes = ['text', 'video', 'practice', 'mixed'];
const instructors = ['Jean Dupont', 'Marie Martin', 'Léa Moreau', 'Hugo Bernard', 'Alice Smith', 'Bob Johnson', 'Chloé Petit', 'David Brown'];

/** mulberry32: tiny, fast, good enough to make varied but reproducible data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedCourse {
  external_id: string;
  title: string;
  description: string;
  category: string;
  instructor: string;
  duration: number;
  difficulty: string;
  learning_mode: string;
  price: number;
  is_free: boolean;
  lessons: string[];
  tags: string[];
}

export function generateCourses(count: number, seed = 42, offset = 0): GeneratedCourse[] {
  return Array.from(courseStream(count, seed, offset));
}

/** The same courses as generateCourses, one at a time: the benchmark writes 10 MB files without holding them. */
export function* courseStream(count: number, seed = 42, offset = 0): Generator<GeneratedCourse> {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  for (let i = offset; i < offset + count; i++) {
    const fr = r() < 0.5;
    const topic = pick(fr ? frTopics : enTopics);
    const free = r() < 0.25;
    const lessonCount = 3 + Math.floor(r() * 10);
    yield {
      external_id: `GEN-${String(i).padStart(7, '0')}`,
      title: fr ? `${topic} : les fondamentaux, volume ${i}` : `${topic} essentials, volume ${i}`,
      description: fr
        ? `Un cours complet pour maîtriser ${topic} pas à pas, avec des exercices corrigés et des études de cas réelles.`
        : `A complete course to master ${topic} step by step, with worked exercises and real-world case studies.`,
      category: fr ? 'Développement' : 'Development',
      instructor: pick(instructors),
      duration: 1 + Math.floor(r() * 40),
      difficulty: pick(fr ? frLevels : enLevels),
      learning_mode: pick(fr ? frModes : enModes),
      price: free ? 0 : Math.round((9 + r() * 190) * 100) / 100,
      is_free: free,
      lessons: Array.from({ length: lessonCount }, (_, k) => (fr ? `Leçon ${k + 1} : ${topic}` : `Lesson ${k + 1}: ${topic}`)),
      tags: [topic.toLowerCase(), fr ? 'français' : 'english'],
    };
  }
}

/** A real edit of a course (new description, another price): the "10% of the rows changed" update. */
export function changedCourse(c: GeneratedCourse, edition = 2): GeneratedCourse {
  return {
    ...c,
    description: `${c.description} (édition ${edition}, revised)`,
    price: c.is_free ? 0 : Math.round((c.price + 5.5) * 100) / 100,
  };
}

const csvCell = (v: string | number | boolean) => {
  const s = String(v);
  return /[",\n\r;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export const CSV_HEADER = 'external_id,title,description,category,instructor,duration,difficulty,learning_mode,price,is_free,lessons,tags';

/** The cells of a course in CSV_HEADER order (lessons `a;b`, tags `a,b`), shared by the CSV and XLSX writers. */
export function courseCells(c: GeneratedCourse): (string | number | boolean)[] {
  return [c.external_id, c.title, c.description, c.category, c.instructor, c.duration, c.difficulty, c.learning_mode, c.price, c.is_free, c.lessons.join(';'), c.tags.join(',')];
}

/** A course as the CSV reader hands it on: header name → cell text. */
export function courseRawRow(c: GeneratedCourse): Record<string, string> {
  const cells = courseCells(c);
  return Object.fromEntries(CSV_HEADER.split(',').map((h, i) => [h, String(cells[i])]));
}

/** One CSV line, without its newline. */
export function courseToCsvLine(c: GeneratedCourse): string {
  return courseCells(c).map(csvCell).join(',');
}

export function coursesToCsv(courses: GeneratedCourse[]): string {
  return [CSV_HEADER, ...courses.map(courseToCsvLine)].join('\n') + '\n';
}
