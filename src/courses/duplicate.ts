// "Duplicate": a copy titled "<title> (copy)" (then "(copy 2)", …) with the natural key of that title, no
// external_id (two courses cannot share one), inactive until an admin reviews it. Its content hash is computed
// as an import would compute it, so a file that later carries the copy finds it "unchanged".
import type { CourseRow, NewCourse } from '../db/course-queries';
import { naturalKey } from '../domain/identity';
import { courseContentHash } from '../domain/content-hash';
import type { NormalizedCourse } from '../domain/types';

export function copyTitle(title: string, n: number): string {
  return n <= 1 ? `${title} (copy)` : `${title} (copy ${n})`;
}

/**
 * New titles and keys for copies of `sources`; `isTaken` says which keys already exist in the catalogue.
 * Tries "(copy)", "(copy 2)", … until a key is free (and not used by another copy of the same batch).
 */
export async function planCopies(sources: CourseRow[], isTaken: (keys: string[]) => Promise<Set<string>>): Promise<NewCourse[]> {
  const planned: NewCourse[] = [];
  const used = new Set<string>();
  for (const c of sources) {
    for (let n = 1; n < 1000; n += 10) {
      const candidates = Array.from({ length: 10 }, (_, i) => copyTitle(c.title, n + i));
      const keys = candidates.map((t) => naturalKey(null, t));
      const taken = await isTaken(keys);
      const free = keys.findIndex((k) => !taken.has(k) && !used.has(k));
      if (free >= 0) {
        const title = candidates[free]!;
        const key = keys[free]!;
        used.add(key);
        planned.push({ natural_key: key, title, content_hash: courseContentHash(asNormalized(c, title, key)), source_id: c.id });
        break;
      }
    }
  }
  return planned;
}

function asNormalized(c: CourseRow, title: string, key: string): NormalizedCourse {
  return {
    external_id: null,
    title,
    description: c.description,
    category: c.category,
    instructor: c.instructor,
    duration_hours: c.duration_hours,
    difficulty: c.difficulty as NormalizedCourse['difficulty'],
    learning_mode: c.learning_mode as NormalizedCourse['learning_mode'],
    price: c.price,
    is_free: c.is_free,
    lessons: c.lessons.map((l) => ({ title: l.title, content: l.content, order: l.order, video_url: l.video_url })),
    tags: c.tags,
    quality_score: c.quality_score,
    natural_key: key,
  };
}
