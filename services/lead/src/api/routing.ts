import type { Express } from 'express';
import { z } from 'zod';
import { PackageId, type TraceContext } from '@lma/contracts';
import { UnprocessableError, isDuplicateKey, parseInput, requirePermission } from '@lma/core';
import { outboxOnInsert, outboxUpdate } from '@lma/kafka';
import { DEFAULT_ROUTING, applyRoutingChange, leadManagerProblem, type PackageSettings, type Routing } from '../domain/team';
import { routingChanged, traceOfHeaders } from '../infra/events';
import { HIDDEN } from './common';
import type { ApiDeps } from './deps';
import { TeamMemberId } from './teamMembers';

const Params = z.object({ packageId: PackageId }).strict();
const Body = z
  .object({ leadManagerId: TeamMemberId.nullable().optional(), contactMatching: z.boolean().optional() })
  .strict()
  .refine((b) => b.leadManagerId !== undefined || b.contactMatching !== undefined, 'must set leadManagerId, contactMatching or both');

const view = (packageId: string, s: Routing & { updatedAt?: Date | null }) => ({
  packageId,
  leadManagerId: s.leadManagerId,
  contactMatching: s.contactMatching,
  updatedAt: s.updatedAt ?? null });

/** Lead routing per package: who owns its new leads, and whether contacts are matched first. */
export function mountRouting(app: Express, deps: ApiDeps): void {
  const load = async (packageId: string) => (await deps.models.PackageSettings.findById(packageId, HIDDEN).lean()) as PackageSettings | null;

  /** One document write with its event; a concurrent first write on another replica makes the insert lose, and the change is applied again on top of it. */
  async function change(packageId: string, requested: Partial<Routing>, who: string, trace: TraceContext): Promise<{ settings: Routing & { updatedAt?: Date }; published: boolean }> {
    return await deps.locks.run(packageId, async () => {
      for (;;) {
        const current = await load(packageId);
        const { next, changed } = applyRoutingChange(current ?? DEFAULT_ROUTING, requested);
        if (!changed) return { settings: current ?? DEFAULT_ROUTING, published: false };
        const now = deps.clock.now();
        const revision = (current?.revision ?? 0) + 1;
        const event = routingChanged(packageId, next.leadManagerId, revision, now, trace);
        const fields = { ...next, revision, updatedAt: now, updatedBy: who };
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

  app.put('/v1/packages/:packageId/lead-routing', requirePermission('packages:edit'), async (req, res) => {
    const { packageId } = parseInput(Params, req.params, 'path');
    const body = parseInput(Body, req.body, 'body');
    if (body.leadManagerId) {
      const member = await deps.models.TeamMember.findById(body.leadManagerId, { active: 1 }).lean();
      const problem = leadManagerProblem(body.leadManagerId, member);
      if (problem) {
        const reason = problem.reason === 'lead-manager-missing' ? 'names no team member' : 'names an inactive team member';
        throw new UnprocessableError(`The lead manager cannot own leads: ${problem.detail}`, [{ field: 'body.leadManagerId', reason }]);
      }
    }
    const { settings, published } = await change(packageId, body, req.principal!.subject, traceOfHeaders(req.headers));
    if (published) deps.kick();
    res.json(view(packageId, settings));
  });

  app.get('/v1/packages/:packageId/lead-routing', requirePermission('packages:read'), async (req, res) => {
    const { packageId } = parseInput(Params, req.params, 'path');
    res.json(view(packageId, (await load(packageId)) ?? DEFAULT_ROUTING));
  });
}
