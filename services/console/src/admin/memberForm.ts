import type { Schemas } from '../api/client';
import type { Permission, Role } from './permissions';

/** What the team member form holds while it is typed. */
export interface MemberDraft {
  id: string;
  name: string;
  email: string;
  active: boolean;
  roles: Role[];
  /** The permissions follow the roles (the API's `permissions: null`). */
  followRoles: boolean;
  permissions: Permission[];
}

export type MemberErrors = Partial<Record<'id' | 'name' | 'email' | 'permissions', string>>;

export const emptyMember: MemberDraft = { id: '', name: '', email: '', active: true, roles: [], followRoles: true, permissions: [] };

export function draftOf(m: Schemas['TeamMember']): MemberDraft {
  return {
    id: m.id,
    name: m.name,
    email: m.email,
    active: m.active,
    roles: [...m.roles],
    followRoles: m.permissionsFromRoles,
    permissions: m.permissions as Permission[],
  };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** What the API would refuse, said before anything is sent (the API stays the authority). */
export function memberErrors(d: MemberDraft, creating: boolean): MemberErrors {
  const errors: MemberErrors = {};
  if (creating && d.id.trim() && !ID.test(d.id.trim())) errors.id = 'At most 64 lowercase letters, digits, _ or -, starting with a letter or digit';
  else if (creating && d.id.trim() === 'lma') errors.id = 'lma is reserved: it owns the leads of packages without a lead manager';
  if (!d.name.trim()) errors.name = 'A name is required';
  else if (d.name.trim().length > 200) errors.name = 'At most 200 characters';
  if (!EMAIL.test(d.email.trim())) errors.email = 'An email address such as nora@vendor.example';
  if (!d.followRoles && d.permissions.length === 0) errors.permissions = 'Choose at least one permission, or let the permissions follow the roles';
  return errors;
}

/** The body of POST /team-members. */
export function createBody(d: MemberDraft): Schemas['CreateTeamMemberRequest'] {
  return {
    ...(d.id.trim() ? { id: d.id.trim() } : {}),
    name: d.name.trim(),
    email: d.email.trim(),
    active: d.active,
    roles: d.roles,
    ...(d.followRoles ? {} : { permissions: d.permissions }),
  };
}

/** The body of PATCH /team-members/{id}: only what changed (null permissions: follow the roles again). */
export function updateBody(before: MemberDraft, d: MemberDraft): Schemas['UpdateTeamMemberRequest'] {
  // an empty body is refused by the API: the form offers to save only once something changed
  const body: Schemas['UpdateTeamMemberRequest'] = {};
  if (d.name.trim() !== before.name) body.name = d.name.trim();
  if (d.email.trim() !== before.email) body.email = d.email.trim();
  if (d.active !== before.active) body.active = d.active;
  if (!sameSet(d.roles, before.roles)) body.roles = d.roles;
  if (d.followRoles && !before.followRoles) body.permissions = null;
  if (!d.followRoles && (before.followRoles || !sameSet(d.permissions, before.permissions))) body.permissions = d.permissions;
  return body;
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
