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
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const out: GeneratedCourse[] = [];
  for (let i = offset; i < offset + count; i++) {
    const fr = r() < 0.5;
    const topic = pick(fr ? frTopics : enTopics);
    const free = r() < 0.25;
    const lessonCount = 3 + Math.floor(r() * 10);
    out.push({
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
    });
  }
  return out;
}

const csvCell = (v: string | number | boolean) => {
  const s = String(v);
  return /[",\n\r;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function coursesToCsv(courses: GeneratedCourse[]): string {
  const header = 'external_id,title,description,category,instructor,duration,difficulty,learning_mode,price,is_free,lessons,tags';
  const lines = courses.map((c) =>
    [c.external_id, c.title, c.description, c.category, c.instructor, c.duration, c.difficulty, c.learning_mode, c.price, c.is_free, c.lessons.join(';'), c.tags.join(',')]
      .map(csvCell)
      .join(','),
  );
  return [header, ...lines].join('\n') + '\n';
}
