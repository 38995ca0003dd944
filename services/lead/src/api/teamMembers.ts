import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import { keysetPage, leadApi, mountRoute, pageFrom } from '@lma/api';
import { ConflictError, NotFoundError } from '@lma/core';
import { auditEntryId } from '../domain/audit';
import { applyTeamMemberPatch, effectivePermissions, type TeamMember } from '../domain/team';
import { recordAudit } from '../infra/audit';
import { teamMemberChanged, traceOfHeaders } from '../infra/events';
import { claimTeamEmail, releaseTeamEmail } from '../infra/keys';
import type { ApiDeps } from './deps';
import { HIDDEN } from './pages';

/** What the API shows of a member (and what the audit records before and after a change). */
export const teamMemberView = (m: TeamMember) => ({
  id: m._id,
  name: m.name,
  email: m.email,
  active: m.active,
  roles: m.roles,
  permissions: effectivePermissions(m),
  permissionsFromRoles: !m.permissions,
  revision: m.revision,
  createdAt: m.createdAt,
  updatedAt: m.updatedAt,
});
const audited = (m: TeamMember) => {
  const { createdAt: _c, updatedAt: _u, revision: _r, ...rest } = teamMemberView(m);
  return rest;
};

/**
 * Team directory: who may own leads and what they may do. Every change is published and audited.
 * A member's email is theirs alone: its key document is taken before the member is written with
 * it, and the former one let go after.
 */
export function mountTeamMembers(app: Express, deps: ApiDeps): void {
  const members = deps.data.teamMembers;
  const emailTaken = (email: string, owner: string) => new ConflictError('already-exists', `Email ${email} is already used by team member ${owner}`);
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
    // both checked first so that a refused creation never overwrites the audit of the member that exists
    const idTaken = () => new ConflictError('already-exists', `Team member ${member._id} already exists`);
    if (await members.get(member._id)) throw idTaken();
    const owner = await claimTeamEmail(deps.data, member.email, member._id, now);
    if (owner) throw emailTaken(member.email, owner);
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
    if (!(await members.insertOnce(member, [event]))) throw idTaken();
    res.status(201).location(`/v1/team-members/${member._id}`);
    return teamMemberView(member);
  });

  /**
   * The patch, audited just before its write, which is conditional on the revision it was decided
   * on: a change written meanwhile makes it decide, check and audit again on top of that one.
   */
  mountRoute(app, leadApi.updateTeamMember, async ({ params, body, principal, precondition }, req) => {
    const id = params.teamMemberId;
    const trace = traceOfHeaders(req.headers);
    for (;;) {
      const now = deps.clock.now();
      const current = await members.get(id);
      if (!current) throw new NotFoundError(`Team member ${id}`);
      precondition(current.revision);
      // every change is published (with name, email and roles): the notification service keeps its directory from it
      const { next, changed } = applyTeamMemberPatch(current, body, now);
      if (!changed) return teamMemberView(current);
      if (next.email !== current.email) {
        const owner = await claimTeamEmail(deps.data, next.email, id, now);
        if (owner) throw emailTaken(next.email, owner);
      }
      await recordAudit(deps.models, {
        _id: auditEntryId('team-member', id, next.revision),
        resourceType: 'team-member',
        resourceId: id,
        action: 'team-member.changed',
        actor: principal.subject,
        at: now,
        revision: next.revision,
        before: audited(current),
        after: audited(next),
      });
      const event = teamMemberChanged(id, next.active, next.revision, now, trace, profile(next));
      const state: TeamMember = { ...next, permissions: next.permissions ?? null };
      const w = await members.update(id, (latest) => (latest?.revision === current.revision ? { state, events: [event] } : null));
      if (!w.written) continue;
      if (next.email !== current.email) await releaseTeamEmail(deps.data, current.email, id);
      return teamMemberView(state);
    }
  });

  mountRoute(app, leadApi.listTeamMembers, async ({ query }) => {
    const filter = { ...(query.active !== undefined ? { active: query.active } : {}), ...(query.role ? { roles: query.role } : {}) };
    const { filter: f, sort } = keysetPage(filter, '_id', 1, query.cursor);
    const docs = (await deps.models.TeamMember.find(f, HIDDEN).sort(sort).limit(query.limit + 1).lean()) as TeamMember[];
    const p = pageFrom(docs, query.limit, (m) => m._id);
    return { items: p.items.map(teamMemberView), nextCursor: p.nextCursor };
  });

  mountRoute(app, leadApi.getTeamMember, async ({ params }) => {
    const member = await members.get(params.teamMemberId);
    if (!member) throw new NotFoundError(`Team member ${params.teamMemberId}`);
    return teamMemberView(member);
  });
}
