import type { Permission } from '@lma/api';
import type { ParkReason } from '@lma/contracts';
import type { HeldKey } from './keys';
import { LMA_OWNER_ID, normalizeEmail } from './lead';

export const ROLES = ['lead-manager', 'sales-rep', 'retention-specialist', 'license-manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Client-supplied slugs or generated `tm_<uuid>`; `lma` is reserved for LMA as an owner. */
export const TEAM_MEMBER_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const isReservedTeamMemberId = (id: string): boolean => id === LMA_OWNER_ID;

export interface TeamMember {
  _id: string;
  name: string;
  email: string;
  active: boolean;
  roles: Role[];
  /** Given by the partner; null or absent: the permissions of the roles (`ROLE_PERMISSIONS`). */
  permissions?: Permission[] | null;
  /** Increments per change; names the change's event (`<id>:<revision>`). */
  revision: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface TeamMemberPatch {
  name?: string | undefined;
  email?: string | undefined;
  active?: boolean | undefined;
  roles?: Role[] | undefined;
  /** null: follow the roles again. */
  permissions?: Permission[] | null | undefined;
}

/**
 * What each role may do when the partner gives a member no explicit permissions (the same
 * strings as token permissions). A member with several roles gets the union.
 */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  'lead-manager': ['leads:read', 'leads:edit', 'accounts:read', 'contacts:read', 'licenses:read', 'packages:read'],
  'sales-rep': ['leads:read', 'leads:edit', 'accounts:read', 'contacts:read'],
  'retention-specialist': ['licenses:read', 'accounts:read', 'contacts:read', 'notification-rules:read'],
  'license-manager': ['licenses:read', 'licenses:edit', 'packages:read', 'packages:edit', 'accounts:read', 'contacts:read'],
  admin: ['admin'],
};

/** The member's effective permissions: explicit ones, else the union of their roles'. */
export function effectivePermissions(member: Pick<TeamMember, 'roles' | 'permissions'>): Permission[] {
  if (member.permissions) return [...member.permissions];
  return [...new Set(member.roles.flatMap((r) => ROLE_PERMISSIONS[r] ?? []))];
}

export const hasLicenseAccess = (member: Pick<TeamMember, 'roles' | 'permissions'>): boolean => {
  const p = effectivePermissions(member);
  return p.includes('licenses:read') || p.includes('admin');
};

export type LeadManagerRejection = 'unknown' | 'inactive' | 'no-license-access';

/**
 * Whether a team member may be made a package's lead manager: they must exist, be active and have
 * access to licenses (a lead manager follows the licenses their leads bring).
 */
export function leadManagerRejection(member: Pick<TeamMember, 'active' | 'roles' | 'permissions'> | null): { reason: LeadManagerRejection; field: string; message: string } | null {
  if (!member) return { reason: 'unknown', field: 'body.leadManagerId', message: 'names no team member' };
  if (!member.active) return { reason: 'inactive', field: 'body.leadManagerId', message: 'names an inactive team member' };
  if (!hasLicenseAccess(member)) return { reason: 'no-license-access', field: 'body.leadManagerId', message: 'names a team member without access to licenses' };
  return null;
}

/** The member after a patch, and whether others must hear of it (activation or deactivation). */
export function applyTeamMemberPatch(current: TeamMember, patch: TeamMemberPatch, now: Date): { next: TeamMember; changed: boolean; activeChanged: boolean } {
  const next: TeamMember = {
    ...current,
    ...(patch.name !== undefined ? { name: patch.name } : {}),
    ...(patch.email !== undefined ? { email: patch.email.trim().toLowerCase() } : {}),
    ...(patch.active !== undefined ? { active: patch.active } : {}),
    ...(patch.roles !== undefined ? { roles: [...new Set(patch.roles)] } : {}),
    ...(patch.permissions !== undefined ? { permissions: patch.permissions === null ? null : [...new Set(patch.permissions)] } : {}),
  };
  const changed =
    next.name !== current.name ||
    next.email !== current.email ||
    next.active !== current.active ||
    next.roles.join(',') !== current.roles.join(',') ||
    (next.permissions ?? null)?.join(',') !== (current.permissions ?? null)?.join(',');
  return changed ? { next: { ...next, revision: current.revision + 1, updatedAt: now }, changed, activeChanged: next.active !== current.active } : { next: current, changed, activeChanged: false };
}

/** A team member's email is theirs alone: the key document `_id` = the normalized email, its holder the member's id. */
export interface TeamEmailKey extends HeldKey {
  /** When the holder took it. */
  at: Date;
}
export const teamEmailKey = (email: string): string => normalizeEmail(email);

/** Whether `member` has the email of `key`. */
export const holdsEmail = (member: Pick<TeamMember, 'email'> | null, key: string): boolean => member !== null && teamEmailKey(member.email) === key;

/**
 * How long a taken email may wait for its member's write: the key is taken before the member is
 * created or changed, so for that long a holder without the email is a change under way, not a
 * stale key. Far longer than a request takes.
 */
export const TEAM_EMAIL_CLAIM_GRACE_MS = 60_000;

/**
 * Whether someone else may take the email `key` names over: its holder does not have that email
 * (never written, or changed to another since) and has not for longer than a change under way
 * would take.
 */
export function isStaleTeamEmail(key: TeamEmailKey, holder: Pick<TeamMember, 'email'> | null, now: Date): boolean {
  return !holdsEmail(holder, key._id) && now.getTime() - new Date(key.at).getTime() > TEAM_EMAIL_CLAIM_GRACE_MS;
}

/** Why a team member cannot own new leads, or null when they can. */
export function leadManagerProblem(leadManagerId: string, member: Pick<TeamMember, 'active'> | null): { reason: Extract<ParkReason, 'lead-manager-missing' | 'lead-manager-inactive'>; detail: string } | null {
  if (!member) return { reason: 'lead-manager-missing', detail: `lead manager ${leadManagerId} is not in the team directory` };
  if (!member.active) return { reason: 'lead-manager-inactive', detail: `lead manager ${leadManagerId} is inactive` };
  return null;
}

/** Lead routing of one package, owned by the lead service. */
export interface Routing {
  /** null: leads are owned by LMA itself. */
  leadManagerId: string | null;
  /** Off: every license gets a lead, even when a contact with the installer's email exists. */
  contactMatching: boolean;
}
export const DEFAULT_ROUTING: Routing = { leadManagerId: null, contactMatching: true };

export interface PackageSettings extends Routing {
  _id: string;
  revision: number;
  updatedAt: Date;
  updatedBy: string;
}

/** The routing after a change; `changed` false when the request sets what is already there. */
export function applyRoutingChange(current: Routing, change: Partial<Routing>): { next: Routing; changed: boolean } {
  const next: Routing = {
    leadManagerId: change.leadManagerId === undefined ? current.leadManagerId : change.leadManagerId,
    contactMatching: change.contactMatching ?? current.contactMatching,
  };
  return { next, changed: next.leadManagerId !== current.leadManagerId || next.contactMatching !== current.contactMatching };
}
