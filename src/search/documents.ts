import type { CourseDocument } from '../db/courses';

/** The Elasticsearch document of a course; `_id` is the course id, so indexing twice is harmless. */
export function toSearchDocument(c: CourseDocument): Record<string, unknown> {
  return {
    ...c,
    // The suggester completes titles, and also instructors and tags, which admins type just as often.
    suggest: { input: [c.title, ...(c.instructor ? [c.instructor] : []), ...c.tags].filter((s) => s.length > 0) },
  };
}
