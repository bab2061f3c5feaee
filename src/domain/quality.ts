// Quality score: an integer 0–100, a pure function of the normalised course (same course, same score).
//
//   description   25  0 if empty; 5 if < 50 characters; 10 if < 200; 20 if < 500; 25 from 500
//   lessons       20  0 lessons: 0; 1–2: 5; 3–4: 10; 5–9: 15; 10 or more: 20
//   content       15  15 × (share of lessons that have content)
//   videos        10  10 × (share of lessons that have a video_url)
//   instructor    10  present
//   category      10  present
//   duration       5  present and > 0
//   tags           5  user tags (not the generated ones): 1–2: 3; 3 or more: 5
//   ------------ ---
//   total        100  rounded to the nearest integer (halves up), clamped to 0–100

import type { NormalizedLesson } from './types';
import { charLength } from './text';

export interface QualityInput {
  description: string;
  lessons: readonly Pick<NormalizedLesson, 'content' | 'video_url'>[];
  instructor: string | null;
  category: string | null;
  duration_hours: number | null;
  /** Tags the file gave, before generated tags were added. */
  userTagCount: number;
}

function descriptionPoints(description: string): number {
  const n = charLength(description.trim());
  if (n === 0) return 0;
  if (n < 50) return 5;
  if (n < 200) return 10;
  if (n < 500) return 20;
  return 25;
}

function lessonCountPoints(count: number): number {
  if (count >= 10) return 20;
  if (count >= 5) return 15;
  if (count >= 3) return 10;
  if (count >= 1) return 5;
  return 0;
}

export function qualityScore(c: QualityInput): number {
  const count = c.lessons.length;
  const withContent = c.lessons.filter((l) => l.content !== null && l.content.trim() !== '').length;
  const withVideo = c.lessons.filter((l) => l.video_url !== null && l.video_url !== '').length;
  const points =
    descriptionPoints(c.description) +
    lessonCountPoints(count) +
    (count > 0 ? (15 * withContent) / count : 0) +
    (count > 0 ? (10 * withVideo) / count : 0) +
    (c.instructor ? 10 : 0) +
    (c.category ? 10 : 0) +
    (c.duration_hours !== null && c.duration_hours > 0 ? 5 : 0) +
    (c.userTagCount >= 3 ? 5 : c.userTagCount >= 1 ? 3 : 0);
  return Math.min(100, Math.max(0, Math.round(points)));
}

/** The formula above, for the README and the admin UI's help text. */
export const QUALITY_SCORE_MARKDOWN = `| criterion | points | rule |
|---|---|---|
| description | 25 | 0 if empty; 5 under 50 characters; 10 under 200; 20 under 500; 25 from 500 |
| lessons | 20 | none: 0; 1–2: 5; 3–4: 10; 5–9: 15; 10 or more: 20 |
| lesson content | 15 | 15 × share of lessons with content |
| lesson videos | 10 | 10 × share of lessons with a video URL |
| instructor | 10 | present |
| category | 10 | present |
| duration | 5 | present and above 0 |
| tags | 5 | tags given in the file (generated tags don't count): 1–2: 3; 3 or more: 5 |

The total (at most 100) is rounded to the nearest integer.`;
