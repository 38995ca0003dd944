import type { Schemas } from '../api/client';

export type Permission = NonNullable<Schemas['CreateTeamMemberRequest']['permissions']>[number];
export type Role = Schemas['TeamMember']['roles'][number];

/** Every permission the API knows, with what it allows (a Record: a new permission in the API breaks the type check until it is described here). */
export const PERMISSION_LABELS: Record<Permission, string> = {
  'licenses:read': 'read licenses and onboardings',
  'licenses:edit': 'Modify License, seats, retry onboardings',
  'packages:read': 'read packages',
  'packages:edit': 'package defaults, lead manager, refresh',
  'leads:read': 'read leads',
  'leads:edit': 'convert leads',
  'accounts:read': 'read accounts',
  'contacts:read': 'read contacts',
  'team:read': 'read the team directory',
  'notification-rules:read': 'read alert rules and history',
  'notification-rules:edit': 'change alert rules, resend',
  admin: 'everything, administration included',
};

export const ROLE_LABELS: Record<Role, string> = {
  'lead-manager': 'lead manager',
  'sales-rep': 'sales rep',
  'retention-specialist': 'retention specialist',
  'license-manager': 'license manager',
  admin: 'administrator',
};

export const PERMISSIONS = Object.keys(PERMISSION_LABELS) as Permission[];
export const ROLES = Object.keys(ROLE_LABELS) as Role[];

export const permissionOptions = PERMISSIONS.map((p) => ({ value: p, label: `${p} (${PERMISSION_LABELS[p]})` }));
export const roleOptions = ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }));
