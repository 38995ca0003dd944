/**
 * Audit of the changes made through the lead API. An entry is written, with a deterministic id,
 * just before the change it describes, and is shown only once the change is visible in the
 * resource (its revision reached, or the lead converted at that moment). A change that failed
 * after its entry was written leaves an entry nobody sees, and the next change with the same
 * revision overwrites it: no multi-document transaction is needed.
 */
export type AuditResourceType = 'team-member' | 'package' | 'lead';
export type AuditAction = 'team-member.created' | 'team-member.changed' | 'lead-routing.changed' | 'lead.converted';

export interface AuditEntry {
  _id: string;
  resourceType: AuditResourceType;
  resourceId: string;
  action: AuditAction;
  actor: string;
  at: Date;
  /** The resource's revision after the change (team members, package routing). */
  revision: number | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown>;
}

export const auditEntryId = (resourceType: AuditResourceType, resourceId: string, revision: number | 'converted'): string =>
  `${resourceType}:${resourceId}:${revision}`;

/** The resource as it stands, for deciding which entries describe changes that happened. */
export type AuditedState = { revision: number; createdAt?: Date | null } | { convertedAt: Date | null } | null;

const sameTime = (a: Date | null | undefined, b: Date): boolean => a != null && new Date(a).getTime() === b.getTime();

/** Whether the change an entry describes happened (so the entry is shown). */
export function isRecorded(entry: Pick<AuditEntry, 'revision' | 'at' | 'action'>, state: AuditedState): boolean {
  if (state === null) return false;
  if ('revision' in state) {
    if (entry.revision === null || state.revision < entry.revision) return false;
    // a refused creation (id or email taken) must not pass for the creation of the member that exists
    return entry.action !== 'team-member.created' || sameTime(state.createdAt, entry.at);
  }
  return entry.action === 'lead.converted' && sameTime(state.convertedAt, entry.at);
}
