import type { Express } from 'express';
import { leadApi, mountRoute } from '@lma/api';
import { isRecorded, type AuditEntry, type AuditResourceType, type AuditedState } from '../domain/audit';
import { pageByTime } from './pages';
import type { ApiDeps } from './deps';

/** Audit entries of one resource (admin only): only those whose change is visible in the resource. */
export function mountAudit(app: Express, deps: ApiDeps): void {
  const m = deps.models;
  const stateOf = async (type: AuditResourceType, id: string): Promise<AuditedState> => {
    switch (type) {
      case 'team-member':
        return (await m.TeamMember.findById(id, { revision: 1, createdAt: 1 }).lean()) as AuditedState;
      case 'package':
        return (await m.PackageSettings.findById(id, { revision: 1 }).lean()) as AuditedState;
      case 'lead': {
        const lead = await m.Lead.findById(id, { convertedAt: 1 }).lean();
        return lead ? { convertedAt: lead.convertedAt ?? null } : null;
      }
    }
  };

  mountRoute(app, leadApi.listAuditEntries, async ({ query: q }) => {
    const [p, state] = await Promise.all([
      pageByTime<AuditEntry>(m.AuditEntry, { resourceType: q.resourceType, resourceId: q.resourceId }, 'at', { ...q, order: 'asc' }),
      stateOf(q.resourceType, q.resourceId),
    ]);
    const items = p.items.filter((e) => isRecorded(e, state)).map(({ _id, ...e }) => ({ entryId: _id, ...e }));
    return { items, nextCursor: p.nextCursor };
  });
}
