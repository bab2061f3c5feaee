import type { ActivityDeps } from './deps';
import { moveToProcessing } from './move-to-processing';
import { parse } from './parse';
import { normalize } from './normalize';
import { upsert } from './upsert';
import { indexCourses } from './index-courses';
import { notify } from './notify';
import { archive } from './archive';
import { sampleRowErrors } from '../db/staging';
import { SAMPLE_SIZE } from '../contract';

export type { ActivityDeps } from './deps';

/** The steps of an import, bound to their clients. Workflows import only the type of this. */
export function createActivities(deps: ActivityDeps) {
  return {
    moveToProcessing: moveToProcessing(deps),
    parse: parse(deps),
    normalize: normalize(deps),
    upsert: upsert(deps),
    index: indexCourses(deps),
    notify: notify(deps),
    archive: archive(deps),
    rowErrors: (args: { importId: string }) => sampleRowErrors(deps.sql, args.importId, SAMPLE_SIZE),
  };
}

export type ImportActivities = ReturnType<typeof createActivities>;
