/**
 * The revision at which the license's current `status` began (the uninstall or suspension an
 * alert is about), or null when it is not in that status. A redelivered or later event of the same
 * stretch keeps the first revision, so its alert's occasion stays the same; a new stretch (after a
 * reinstall or a reactivation) starts a new one.
 */
export function stretchStart(
  prev: { status: string; revision: number; since: number | null } | null,
  next: { status: string; revision: number },
  status: string,
): number | null {
  if (next.status !== status) return null;
  if (prev && prev.status === status && prev.since !== null && prev.revision <= next.revision) return prev.since;
  return next.revision;
}
