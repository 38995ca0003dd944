import type { Express } from 'express';
import { leadApi, mountRoute } from '@lma/api';
import type { TraceContext } from '@lma/contracts';
import { UnprocessableError, isDuplicateKey } from '@lma/core';
import { outboxOnInsert, outboxUpdate } from '@lma/kafka';
import { auditEntryId } from '../domain/audit';
import { DEFAULT_ROUTING, applyRoutingChange, leadManagerRejection, type PackageSettings, type Routing, type TeamMember } from '../domain/team';
import { recordAudit } from '../infra/audit';
import { routingChanged, traceOfHeaders } from '../infra/events';
import { HIDDEN } from './common';
import type { ApiDeps } from './deps';

const view = (packageId: string, s: Routing & { updatedAt?: Date | null }) => ({
  packageId,
  leadManagerId: s.leadManagerId,
  contactMatching: s.contactMatching,
  updatedAt: s.updatedAt ?? null,
});

/** Lead routing per package: who owns its new leads (the lead manager), and whether contacts are matched first. */
export function mountRouting(app: Express, deps: ApiDeps): void {
  const load = async (packageId: string) => (await deps.models.PackageSettings.findById(packageId, HIDDEN).lean()) as PackageSettings | null;

  /** 422 naming why, unless the member may be a lead manager (active, with access to licenses). */
  async function checkLeadManager(leadManagerId: string | null | undefined): Promise<void> {
    if (!leadManagerId) return;
    const member = (await deps.models.TeamMember.findById(leadManagerId, { active: 1, roles: 1, permissions: 1 }).lean()) as TeamMember | null;
    const rejection = leadManagerRejection(member);
    if (rejection) {
      throw new UnprocessableError(`Team member ${leadManagerId} cannot be a lead manager: the id ${rejection.message}`, [
        { field: rejection.field, reason: rejection.message },
      ]);
    }
  }

  /**
   * One document write with its event (`lma.lead.routing-changed`: parked onboardings resume,
   * the license service mirrors it), audited just before. A concurrent first write on another
   * replica makes the insert lose, and the change is applied again on top of it.
   */
  async function change(packageId: string, requested: Partial<Routing>, who: string, trace: TraceContext) {
    return await deps.locks.run(packageId, async () => {
      for (;;) {
        const current = await load(packageId);
        const before = current ?? DEFAULT_ROUTING;
        const { next, changed } = applyRoutingChange(before, requested);
        if (!changed) return { settings: current ?? DEFAULT_ROUTING, published: false };
        const now = deps.clock.now();
        const revision = (current?.revision ?? 0) + 1;
        const event = routingChanged(packageId, next.leadManagerId, revision, now, trace);
        const fields = { ...next, revision, updatedAt: now, updatedBy: who };
        await recordAudit(deps.models, {
          _id: auditEntryId('package', packageId, revision),
          resourceType: 'package',
          resourceId: packageId,
          action: 'lead-routing.changed',
          actor: who,
          at: now,
          revision,
          before: { leadManagerId: before.leadManagerId, contactMatching: before.contactMatching },
          after: { leadManagerId: next.leadManagerId, contactMatching: next.contactMatching },
        });
        if (current) {
          await deps.models.PackageSettings.updateOne({ _id: packageId }, { $set: fields, ...outboxUpdate([event], now) });
          return { settings: fields, published: true };
        }
        try {
          await deps.models.PackageSettings.create({ _id: packageId, ...fields, ...outboxOnInsert([event], now) });
          return { settings: fields, published: true };
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
        }
      }
    });
  }

  const apply = async (packageId: string, requested: Partial<Routing>, who: string, headers: Record<string, string | string[] | undefined>) => {
    await checkLeadManager(requested.leadManagerId);
    const { settings, published } = await change(packageId, requested, who, traceOfHeaders(headers));
    if (published) deps.kick();
    return view(packageId, settings);
  };

  mountRoute(app, leadApi.setLeadManager, async ({ params, body, principal }, req) =>
    apply(params.packageId, { leadManagerId: body.leadManagerId }, principal.subject, req.headers),
  );

  mountRoute(app, leadApi.putLeadRouting, async ({ params, body, principal }, req) => {
    const requested: Partial<Routing> = {
      ...(body.leadManagerId !== undefined ? { leadManagerId: body.leadManagerId } : {}),
      ...(body.contactMatching !== undefined ? { contactMatching: body.contactMatching } : {}),
    };
    return apply(params.packageId, requested, principal.subject, req.headers);
  });

  mountRoute(app, leadApi.getLeadRouting, async ({ params }) => view(params.packageId, (await load(params.packageId)) ?? DEFAULT_ROUTING));
}
