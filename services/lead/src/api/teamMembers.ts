import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import { keysetPage, leadApi, mountRoute, pageFrom } from '@lma/api';
import { ConflictError, NotFoundError } from '@lma/core';
import { outboxOnInsert, outboxUpdate } from '@lma/kafka';
import { auditEntryId } from '../domain/audit';
import { applyTeamMemberPatch, effectivePermissions, type TeamMember } from '../domain/team';
import { recordAudit } from '../infra/audit';
import { isUniqueViolation } from '../infra/errors';
import { teamMemberChanged, traceOfHeaders } from '../infra/events';
import { HIDDEN } from './common';
import type { ApiDeps } from './deps';

/** What the API shows of a member (and what the audit records before and after a change). */
export const teamMemberView = (m: TeamMember) => ({
  id: m._id,
  name: m.name,
  email: m.email,
  active: m.active,
  roles: m.roles,
  permissions: effectivePermissions(m),
  permissionsFromRoles: !m.permissions,
  createdAt: m.createdAt,
  updatedAt: m.updatedAt,
});
const audited = (m: TeamMember) => {
  const { createdAt: _c, updatedAt: _u, ...rest } = teamMemberView(m);
  return rest;
};

/** Team directory: who may own leads and what they may do. Every change is published and audited. */
export function mountTeamMembers(app: Express, deps: ApiDeps): void {
  const emailTaken = async (email: string): Promise<never> => {
    const owner = await deps.models.TeamMember.findOne({ email }, { _id: 1 }).lean();
    throw new ConflictError(`Email ${email} is already used by team member ${owner?._id ?? '(unknown)'}`);
  };
  const profile = (m: TeamMember) => ({ name: m.name, email: m.email, roles: m.roles });

  mountRoute(app, leadApi.createTeamMember, async ({ body, principal }, req, res) => {
    const now = deps.clock.now();
    const member: TeamMember = {
      _id: body.id ?? `tm_${randomUUID()}`,
      name: body.name,
      email: body.email,
      active: body.active,
      roles: body.roles,
      permissions: body.permissions ?? null,
      revision: 1,
      createdAt: now,
      updatedAt: now,
    };
    const event = teamMemberChanged(member._id, member.active, member.revision, now, traceOfHeaders(req.headers), profile(member));
    await deps.locks.run(member._id, async () => {
      // checked first so that a refused creation never overwrites the audit of the member that exists
      if (await deps.models.TeamMember.exists({ _id: member._id })) throw new ConflictError(`Team member ${member._id} already exists`);
      await recordAudit(deps.models, {
        _id: auditEntryId('team-member', member._id, 1),
        resourceType: 'team-member',
        resourceId: member._id,
        action: 'team-member.created',
        actor: principal.subject,
        at: now,
        revision: 1,
        before: null,
        after: audited(member),
      });
      try {
        await deps.models.TeamMember.create({ ...member, ...outboxOnInsert([event], now) });
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        if (await deps.models.TeamMember.exists({ _id: member._id })) throw new ConflictError(`Team member ${member._id} already exists`);
        await emailTaken(member.email);
      }
    });
    deps.kick();
    res.status(201).location(`/v1/team-members/${member._id}`);
    return teamMemberView(member);
  });

  mountRoute(app, leadApi.updateTeamMember, async ({ params, body, principal }, req) => {
    const id = params.teamMemberId;
    const now = deps.clock.now();
    const trace = traceOfHeaders(req.headers);
    const result = await deps.locks.run(id, async () => {
      const current = (await deps.models.TeamMember.findById(id, HIDDEN).lean()) as TeamMember | null;
      if (!current) throw new NotFoundError(`Team member ${id}`);
      // every change is published (with name, email and roles): the notification service keeps its directory from it
      const { next, changed } = applyTeamMemberPatch(current, body, now);
      if (!changed) return { next, published: false };
      const { name, email, active, roles, revision, updatedAt } = next;
      if (email !== current.email && (await deps.models.TeamMember.exists({ email, _id: { $ne: id } }))) await emailTaken(email);
      await recordAudit(deps.models, {
        _id: auditEntryId('team-member', id, revision),
        resourceType: 'team-member',
        resourceId: id,
        action: 'team-member.changed',
        actor: principal.subject,
        at: now,
        revision,
        before: audited(current),
        after: audited(next),
      });
      const set = { $set: { name, email, active, roles, permissions: next.permissions ?? null, revision, updatedAt } };
      try {
        await deps.models.TeamMember.updateOne({ _id: id }, { ...set, ...outboxUpdate([teamMemberChanged(id, active, revision, now, trace, profile(next))], now) });
      } catch (err) {
        if (!isUniqueViolation(err)) throw err; // taken meanwhile, on another replica
        await emailTaken(email);
      }
      return { next, published: true };
    });
    if (result.published) deps.kick();
    return teamMemberView(result.next);
  });

  mountRoute(app, leadApi.listTeamMembers, async ({ query }) => {
    const filter = { ...(query.active !== undefined ? { active: query.active } : {}), ...(query.role ? { roles: query.role } : {}) };
    const { filter: f, sort } = keysetPage(filter, '_id', 1, query.cursor);
    const docs = (await deps.models.TeamMember.find(f, HIDDEN).sort(sort).limit(query.limit + 1).lean()) as TeamMember[];
    const p = pageFrom(docs, query.limit, (m) => m._id);
    return { items: p.items.map(teamMemberView), nextCursor: p.nextCursor };
  });

  mountRoute(app, leadApi.getTeamMember, async ({ params }) => {
    const member = (await deps.models.TeamMember.findById(params.teamMemberId, HIDDEN).lean()) as TeamMember | null;
    if (!member) throw new NotFoundError(`Team member ${params.teamMemberId}`);
    return teamMemberView(member);
  });
}

