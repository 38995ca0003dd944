import type { Express } from 'express';
import { leadApi, mountRoute, type Precondition } from '@lma/api';
import type { TraceContext } from '@lma/contracts';
import { UnprocessableError } from '@lma/core';
import { auditEntryId } from '../domain/audit';
import { DEFAULT_ROUTING, applyRoutingChange, leadManagerRejection, type PackageSettings, type Routing } from '../domain/team';
import { recordAudit } from '../infra/audit';
import { routingChanged, traceOfHeaders } from '../infra/events';
import type { ApiDeps } from './deps';

type Stored = Routing & { revision?: number; updatedAt?: Date | null };

const view = (packageId: string, s: Stored) => ({
  packageId,
  leadManagerId: s.leadManagerId,
  contactMatching: s.contactMatching,
  revision: s.revision ?? 0,
  updatedAt: s.updatedAt ?? null,
});

/** Lead routing per package: who owns its new leads (the lead manager), and whether contacts are matched first. */
export function mountRouting(app: Express, deps: ApiDeps): void {
  const settings = deps.data.packageSettings;

  /** 422 naming why, unless the member may be a lead manager (active, with access to licenses). */
  async function checkLeadManager(leadManagerId: string | null | undefined): Promise<void> {
    if (!leadManagerId) return;
    const rejection = leadManagerRejection(await deps.data.teamMembers.get(leadManagerId));
    if (rejection) {
      throw new UnprocessableError('invalid-lead-manager', `Team member ${leadManagerId} cannot be a lead manager: the id ${rejection.message}`, [
        { field: rejection.field, reason: rejection.message },
      ]);
    }
  }

  /**
   * One document write with its event (`lma.lead.routing-changed`: parked onboardings resume,
   * the license service mirrors it), audited just before, conditional on the revision it was
   * decided on: a change written meanwhile (another request, another replica) makes it decide
   * and audit again on top of that one.
   */
  async function change(packageId: string, requested: Partial<Routing>, who: string, trace: TraceContext, precondition: Precondition): Promise<Stored> {
    for (;;) {
      const current = await settings.get(packageId);
      precondition(current?.revision ?? 0);
      const before = current ?? DEFAULT_ROUTING;
      const { next, changed } = applyRoutingChange(before, requested);
      if (!changed) return before;
      const now = deps.clock.now();
      const decidedOn = current?.revision ?? 0;
      const state: PackageSettings = { ...current, _id: packageId, ...next, revision: decidedOn + 1, updatedAt: now, updatedBy: who };
      await recordAudit(deps.models, {
        _id: auditEntryId('package', packageId, state.revision),
        resourceType: 'package',
        resourceId: packageId,
        action: 'lead-routing.changed',
        actor: who,
        at: now,
        revision: state.revision,
        before: { leadManagerId: before.leadManagerId, contactMatching: before.contactMatching },
        after: { leadManagerId: next.leadManagerId, contactMatching: next.contactMatching },
      });
      const event = routingChanged(packageId, next.leadManagerId, state.revision, now, trace);
      const w = await settings.update(packageId, (latest) => ((latest?.revision ?? 0) === decidedOn ? { state, events: [event] } : null));
      if (w.written) return state;
    }
  }

  const apply = async (packageId: string, requested: Partial<Routing>, who: string, headers: Record<string, string | string[] | undefined>, precondition: Precondition) => {
    await checkLeadManager(requested.leadManagerId);
    return view(packageId, await change(packageId, requested, who, traceOfHeaders(headers), precondition));
  };

  mountRoute(app, leadApi.setLeadManager, async ({ params, body, principal, precondition }, req) =>
    apply(params.packageId, { leadManagerId: body.leadManagerId }, principal.subject, req.headers, precondition),
  );

  mountRoute(app, leadApi.putLeadRouting, async ({ params, body, principal, precondition }, req) => {
    const requested: Partial<Routing> = {
      ...(body.leadManagerId !== undefined ? { leadManagerId: body.leadManagerId } : {}),
      ...(body.contactMatching !== undefined ? { contactMatching: body.contactMatching } : {}),
    };
    return apply(params.packageId, requested, principal.subject, req.headers, precondition);
  });

  mountRoute(app, leadApi.getLeadRouting, async ({ params }) => view(params.packageId, (await settings.get(params.packageId)) ?? DEFAULT_ROUTING));
}
