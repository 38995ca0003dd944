import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import { z } from 'zod';
import { ConflictError, NotFoundError, parseInput, requirePermission } from '@lma/core';
import { outboxOnInsert, outboxUpdate } from '@lma/kafka';
import { ROLES, TEAM_MEMBER_ID, applyTeamMemberPatch, isReservedTeamMemberId, type TeamMember } from '../domain/team';
import { isUniqueViolation } from '../infra/errors';
import { teamMemberChanged, traceOfHeaders } from '../infra/events';
import { HIDDEN, Limit, page, withId } from './common';
import type { ApiDeps } from './deps';

export const TeamMemberId = z
  .string()
  .regex(TEAM_MEMBER_ID, 'must be 1-64 lowercase letters, digits, _ or -, starting with a letter or digit')
  .refine((id) => !isReservedTeamMemberId(id), 'is reserved (lma owns leads without a lead manager)');

const Name = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const Email = z.string().trim().email('must be an email address').max(254).transform((e) => e.toLowerCase());
const Roles = z
  .array(z.enum(ROLES, { errorMap: () => ({ message: `must be one of ${ROLES.join(', ')}` }) }))
  .max(ROLES.length)
  .transform((r) => [...new Set(r)]);

const CreateBody = z.object({ id: TeamMemberId.optional(), name: Name, email: Email, active: z.boolean().default(true), roles: Roles.default([]) }).strict();
const PatchBody = z
  .object({ name: Name.optional(), email: Email.optional(), active: z.boolean().optional(), roles: Roles.optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'must change at least one of name, email, active, roles');
const IdParams = z.object({ id: TeamMemberId }).strict();
const ListQuery = z.object({ active: z.enum(['true', 'false']).optional(), role: z.enum(ROLES).optional(), cursor: TeamMemberId.optional(), limit: Limit }).strict();

const VIEW = { ...HIDDEN, revision: 0 } as const;
const view = (m: Omit<TeamMember, 'revision'> & { revision?: number }) => {
  const { revision: _revision, ...rest } = m;
  return withId('id', rest);
};

/** Team directory: who may own leads. Adding, activating and deactivating someone is published. */
export function mountTeamMembers(app: Express, deps: ApiDeps): void {
  const emailTaken = async (email: string): Promise<never> => {
    const owner = await deps.models.TeamMember.findOne({ email }, { _id: 1 }).lean();
    throw new ConflictError(`Email ${email} is already used by team member ${owner?._id ?? '(unknown)'}`);
  };

  app.post('/v1/team-members', requirePermission('team:admin'), async (req, res) => {
    const body = parseInput(CreateBody, req.body, 'body');
    const now = deps.clock.now();
    const member: TeamMember = { _id: body.id ?? `tm_${randomUUID()}`, name: body.name, email: body.email, active: body.active, roles: body.roles, revision: 1, createdAt: now, updatedAt: now };
    const event = teamMemberChanged(member._id, member.active, member.revision, now, traceOfHeaders(req.headers));
    try {
      await deps.models.TeamMember.create({ ...member, ...outboxOnInsert([event], now) });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      if (await deps.models.TeamMember.exists({ _id: member._id })) throw new ConflictError(`Team member ${member._id} already exists`);
      await emailTaken(member.email);
    }
    deps.kick();
    res.status(201).location(`/v1/team-members/${member._id}`).json(view(member));
  });

  app.patch('/v1/team-members/:id', requirePermission('team:admin'), async (req, res) => {
    const { id } = parseInput(IdParams, req.params, 'path');
    const patch = parseInput(PatchBody, req.body, 'body');
    const now = deps.clock.now();
    const trace = traceOfHeaders(req.headers);
    const result = await deps.locks.run(id, async () => {
      const current = (await deps.models.TeamMember.findById(id, HIDDEN).lean()) as TeamMember | null;
      if (!current) throw new NotFoundError(`Team member ${id}`);
      const { next, changed, activeChanged } = applyTeamMemberPatch(current, patch, now);
      if (!changed) return { next, published: false };
      const { name, email, active, roles, revision, updatedAt } = next;
      if (email !== current.email && (await deps.models.TeamMember.exists({ email, _id: { $ne: id } }))) await emailTaken(email);
      const set = { $set: { name, email, active, roles, revision, updatedAt } };
      try {
        await deps.models.TeamMember.updateOne(
          { _id: id },
          activeChanged ? { ...set, ...outboxUpdate([teamMemberChanged(id, active, revision, now, trace)], now) } : set,
        );
      } catch (err) {
        if (!isUniqueViolation(err)) throw err; // taken meanwhile, on another replica
        await emailTaken(email);
      }
      return { next, published: activeChanged };
    });
    if (result.published) deps.kick();
    res.json(view(result.next));
  });

  app.get('/v1/team-members', requirePermission('team:read'), async (req, res) => {
    const q = parseInput(ListQuery, req.query, 'query');
    const filter = { ...(q.active ? { active: q.active === 'true' } : {}), ...(q.role ? { roles: q.role } : {}) };
    const p = await page((f, limit) => deps.models.TeamMember.find(f, VIEW).sort({ _id: 1 }).limit(limit).lean() as Promise<TeamMember[]>, filter, q.cursor, q.limit);
    res.json({ items: p.items.map(view), nextCursor: p.nextCursor });
  });

  app.get('/v1/team-members/:id', requirePermission('team:read'), async (req, res) => {
    const { id } = parseInput(IdParams, req.params, 'path');
    const member = (await deps.models.TeamMember.findById(id, VIEW).lean()) as TeamMember | null;
    if (!member) throw new NotFoundError(`Team member ${id}`);
    res.json(view(member));
  });
}
