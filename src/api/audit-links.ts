// Where an audit entry's target leads: the page of the thing acted on when there is one (the import, the
// course, the users page, the mapping profile, the schedules), else the audit trail filtered on that target.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Course targets as the course editor writes them: `course <id>`. */
const COURSE = /^course ([0-9A-Za-z-]{1,64})$/;

/**
 * The admin URL an audit target links to, or null when the entry has no target. `action` is the audit code
 * (`import.cancel`, `user.role`, `schedule.pause`, `mapping.save`, `course.update`, …; src/db/audit.ts lists
 * them); every path segment taken from the target is URL-encoded.
 */
export function auditTargetHref(action: string, target: string | null): string | null {
  if (!target) return null;
  const [area] = action.split('.');
  if ((area === 'import' || action === 'import') && UUID.test(target)) return `/admin-dashboard/imports/${target}/`;
  const course = COURSE.exec(target);
  if (area === 'course' && course) return `/admin-dashboard/courses/${encodeURIComponent(course[1]!)}/`;
  if (area === 'user' || area === 'token') return '/admin-dashboard/users/';
  if (area === 'schedule') return '/admin-dashboard/schedules/';
  if (area === 'mapping' && action !== 'mapping.draft') return `/admin-dashboard/mapping-profiles/${encodeURIComponent(target)}/`;
  if (area === 'search') return '/admin-dashboard/pipeline/monitoring/';
  return `/admin-dashboard/audit/?target=${encodeURIComponent(target)}`;
}
