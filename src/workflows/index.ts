export { importFile } from './import-file';
export { deliverNotice } from './deliver-notice';
export { revertImport } from './revert-import';
export { healthCheck } from './health-check';
export { dailyDigest } from './daily-digest';
export { bulkCourses } from './bulk-courses';
export { reindexCourses } from './reindex';
export { housekeeping } from './housekeeping';
