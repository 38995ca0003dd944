import { z } from 'zod';
import { CalendarDate, LicenseStatus, PackageId, SubscriberOrgId } from '@lma/contracts';
import { PageQuery, pageOf } from '../pagination';
import { ALL_PERMISSIONS, Permission } from '../permissions';
import { defineRoute, type ApiRoute } from '../route';

export const TEAM_ROLES = ['lead-manager', 'sales-rep', 'retention-specialist', 'license-manager', 'admin'] as const;
export const TeamRole = z.enum(TEAM_ROLES, { errorMap: () => ({ message: `must be one of ${TEAM_ROLES.join(', ')}` }) });

/** Client-supplied slugs or generated `tm_<uuid>`; `lma` is reserved for LMA itself as a lead owner. */
export const TeamMemberId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1-64 lowercase letters, digits, _ or -, starting with a letter or digit')
  .refine((id) => id !== 'lma', 'is reserved (lma owns leads without a lead manager)');
export const LeadId = z.string().regex(/^lead_[0-9a-f]{24}$/, 'must be a lead id (lead_ and 24 hex digits)');
export const ContactId = z.string().regex(/^contact_[0-9a-f]{24}$/, 'must be a contact id (contact_ and 24 hex digits)');
export const AccountId = z.string().regex(/^account_[0-9a-f]{24}$/, 'must be an account id (account_ and 24 hex digits)');
/** Owners are team members or `lma` (leads of packages without a lead manager). */
const OwnerId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a team member id or lma');

const Name = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const Email = z
  .string()
  .trim()
  .max(254, 'must be at most 254 characters')
  .email('must be an email address')
  .transform((e) => e.toLowerCase());
const Roles = z
  .array(TeamRole)
  .max(TEAM_ROLES.length)
  .transform((r) => [...new Set(r)]);
const PermissionList = z
  .array(z.enum(ALL_PERMISSIONS as [Permission, ...Permission[]], { errorMap: () => ({ message: `must be one of ${ALL_PERMISSIONS.join(', ')}` }) }))
  .max(ALL_PERMISSIONS.length)
  .transform((p) => [...new Set(p)]);
const BoolString = z.enum(['true', 'false']).transform((v) => v === 'true');
const Order = z.enum(['asc', 'desc']).default('desc').describe('By creation time: newest first (desc, the default) or oldest first');
const Iso = z.string().datetime();

// --- team members ---

export const TeamMemberView = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  active: z.boolean(),
  roles: z.array(TeamRole),
  permissions: z.array(z.string()).describe('What the member may do: given explicitly, or derived from the roles (see permissionsFromRoles)'),
  permissionsFromRoles: z.boolean().describe('true when no explicit permissions were given and they follow the roles'),
  revision: z.number().int().describe('Grows with every change of the member (its ETag is `"<revision>"`)'),
  createdAt: Iso,
  updatedAt: Iso,
});

export const createTeamMember = defineRoute({
  operationId: 'createTeamMember',
  method: 'post',
  path: '/team-members',
  service: 'lead',
  permission: Permission.Admin,
  summary: 'Add a team member',
  description: 'Without `permissions`, the member gets the permissions of their roles. 409 when the id or the email is taken.',
  tags: ['Team'],
  problems: ['already-exists'],
  etag: true,
  body: z.object({
    id: TeamMemberId.optional(),
    name: Name,
    email: Email,
    active: z.boolean().default(true),
    roles: Roles.default([]),
    permissions: PermissionList.optional(),
  }),
  responses: { 201: { description: 'Added', schema: TeamMemberView } },
});

export const updateTeamMember = defineRoute({
  operationId: 'updateTeamMember',
  method: 'patch',
  path: '/team-members/{teamMemberId}',
  service: 'lead',
  permission: Permission.Admin,
  summary: 'Change a team member (name, email, activity, roles, permissions)',
  description:
    '`permissions: null` makes the permissions follow the roles again. 409 when the new email is taken. ' +
    '`If-Match` with the ETag of the member makes the change conditional (412 when the member has changed).',
  tags: ['Team'],
  params: z.object({ teamMemberId: TeamMemberId }),
  problems: ['not-found', 'already-exists'],
  etag: true,
  ifMatch: true,
  body: z
    .object({ name: Name.optional(), email: Email.optional(), active: z.boolean().optional(), roles: Roles.optional(), permissions: PermissionList.nullable().optional() })
    .strict()
    .refine((b) => Object.keys(b).length > 0, 'must change at least one of name, email, active, roles, permissions'),
  responses: { 200: { description: 'The member after the change', schema: TeamMemberView } },
});

export const listTeamMembers = defineRoute({
  operationId: 'listTeamMembers',
  method: 'get',
  path: '/team-members',
  service: 'lead',
  permission: Permission.TeamRead,
  summary: 'The team directory, by id',
  tags: ['Team'],
  query: z.object({ active: BoolString.optional(), role: TeamRole.optional(), ...PageQuery }),
  responses: { 200: { description: 'One page of members', schema: pageOf(TeamMemberView) } },
});

export const getTeamMember = defineRoute({
  operationId: 'getTeamMember',
  method: 'get',
  path: '/team-members/{teamMemberId}',
  service: 'lead',
  permission: Permission.TeamRead,
  summary: 'One team member',
  tags: ['Team'],
  params: z.object({ teamMemberId: TeamMemberId }),
  problems: ['not-found'],
  etag: true,
  responses: { 200: { description: 'The member', schema: TeamMemberView } },
});

// --- lead routing per package ---

export const LeadRoutingView = z.object({
  packageId: z.string(),
  leadManagerId: z.string().nullable().describe('Owner of the package\'s new leads; null: LMA'),
  contactMatching: z.boolean(),
  revision: z.number().int().describe('Grows with every change of the routing, 0 until the first (its ETag is `"<revision>"`)'),
  updatedAt: Iso.nullable(),
});

const LEAD_MANAGER_RULES =
  'The lead manager must be an active team member with access to licenses (`licenses:read` or `admin` among their permissions); ' +
  'otherwise 422 naming why (`names no team member`, `names an inactive team member`, `names a team member without access to licenses`). ' +
  'A change publishes `lma.lead.routing-changed`: onboardings parked on the lead manager resume, and new leads get the new owner. ' +
  '`If-Match` with the ETag of the lead routing makes the change conditional (412 when the routing has changed).';

export const setLeadManager = defineRoute({
  operationId: 'setLeadManager',
  method: 'put',
  path: '/packages/{packageId}/lead-manager',
  service: 'lead',
  permission: Permission.PackagesEdit,
  summary: "Change a package's lead manager",
  description: `${LEAD_MANAGER_RULES} \`null\` makes LMA the owner of new leads.`,
  tags: ['Lead routing'],
  params: z.object({ packageId: PackageId }),
  problems: ['invalid-lead-manager'],
  etag: true,
  ifMatch: true,
  body: z.object({ leadManagerId: TeamMemberId.nullable() }),
  responses: { 200: { description: 'The routing after the change', schema: LeadRoutingView } },
});

export const putLeadRouting = defineRoute({
  operationId: 'putLeadRouting',
  method: 'put',
  path: '/packages/{packageId}/lead-routing',
  service: 'lead',
  permission: Permission.PackagesEdit,
  summary: "Change a package's lead routing (lead manager and contact matching)",
  description: LEAD_MANAGER_RULES,
  tags: ['Lead routing'],
  params: z.object({ packageId: PackageId }),
  problems: ['invalid-lead-manager'],
  etag: true,
  ifMatch: true,
  body: z
    .object({ leadManagerId: TeamMemberId.nullable().optional(), contactMatching: z.boolean().optional() })
    .strict()
    .refine((b) => b.leadManagerId !== undefined || b.contactMatching !== undefined, 'must set leadManagerId, contactMatching or both'),
  responses: { 200: { description: 'The routing after the change', schema: LeadRoutingView } },
});

export const getLeadRouting = defineRoute({
  operationId: 'getLeadRouting',
  method: 'get',
  path: '/packages/{packageId}/lead-routing',
  service: 'lead',
  permission: Permission.PackagesRead,
  summary: "A package's lead routing",
  tags: ['Lead routing'],
  params: z.object({ packageId: PackageId }),
  etag: true,
  responses: { 200: { description: 'The routing', schema: LeadRoutingView } },
});

// --- leads, accounts, contacts with their licenses ---

export const RelatedLicense = z.object({
  licenseId: z.string(),
  licenseName: z.string(),
  packageId: z.string(),
  subscriberOrgId: z.string(),
  status: LicenseStatus,
  seats: z.number().int().nullable(),
  expiresOn: CalendarDate.nullable(),
});
const licenses = z.array(RelatedLicense).describe('Licenses linked to it, as last heard on lma.license.events (eventually consistent)');

export const LeadView = z.object({
  leadId: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  company: z.string(),
  email: z.string(),
  phone: z.string().nullable(),
  country: z.string().nullable(),
  state: z.string().nullable(),
  leadSource: z.string(),
  ownerId: z.string(),
  status: z.enum(['Open', 'Converted', 'Withdrawn']),
  packageId: z.string(),
  subscriberOrgId: z.string(),
  orgName: z.string(),
  convertedAccountId: z.string().nullable(),
  convertedContactId: z.string().nullable(),
  convertedAt: Iso.nullable(),
  withdrawnAt: Iso.nullable(),
  withdrawnReason: z.string().nullable(),
  createdBySagaId: z.string().describe('The onboarding that created the lead'),
  createdAt: Iso,
  updatedAt: Iso,
  licenses,
});
export const AccountView = z.object({ accountId: z.string(), name: z.string(), ownerId: z.string(), createdAt: Iso, licenses });
export const ContactView = z.object({
  contactId: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  phone: z.string().nullable(),
  country: z.string().nullable(),
  state: z.string().nullable(),
  accountId: z.string(),
  ownerId: z.string(),
  leadId: z.string(),
  createdAt: Iso,
  licenses,
});

export const listLeads = defineRoute({
  operationId: 'listLeads',
  method: 'get',
  path: '/leads',
  service: 'lead',
  permission: Permission.LeadsRead,
  summary: 'Leads, by creation time, each with its licenses',
  description: 'Filters combine (AND). Installs create leads with lead source `Package Installation`.',
  tags: ['Leads'],
  query: z.object({
    leadSource: z.string().trim().min(1).max(80).optional(),
    status: z.enum(['Open', 'Converted', 'Withdrawn']).optional(),
    ownerId: OwnerId.optional(),
    packageId: PackageId.optional(),
    subscriberOrgId: SubscriberOrgId.optional(),
    order: Order,
    ...PageQuery,
  }),
  responses: { 200: { description: 'One page of leads', schema: pageOf(LeadView) } },
});

export const getLead = defineRoute({
  operationId: 'getLead',
  method: 'get',
  path: '/leads/{leadId}',
  service: 'lead',
  permission: Permission.LeadsRead,
  summary: 'One lead with its licenses',
  tags: ['Leads'],
  params: z.object({ leadId: LeadId }),
  problems: ['not-found'],
  responses: { 200: { description: 'The lead', schema: LeadView } },
});

export const LeadConversionView = z.object({ leadId: z.string(), accountId: z.string(), contactId: z.string(), convertedAt: Iso });

export const convertLead = defineRoute({
  operationId: 'convertLead',
  method: 'post',
  path: '/leads/{leadId}/convert',
  service: 'lead',
  permission: Permission.LeadsEdit,
  summary: 'Convert an open lead into a contact, in a new or an existing account',
  description:
    'Its licenses are then linked to the account and the contact (`lma.lead.converted`). 409 when the lead is not Open, 422 when `accountId` names no account.',
  tags: ['Leads'],
  params: z.object({ leadId: LeadId }),
  problems: ['not-found', 'lead-not-open', 'unknown-account'],
  body: z
    .object({ accountId: AccountId.optional(), accountName: z.string().trim().min(1, 'must not be empty').max(255).optional() })
    .strict()
    .refine((b) => !(b.accountId && b.accountName), 'give accountId (an existing account) or accountName (a new one), not both')
    .optional()
    .transform((b) => b ?? {}),
  responses: { 200: { description: 'Converted', schema: LeadConversionView } },
});

export const listAccounts = defineRoute({
  operationId: 'listAccounts',
  method: 'get',
  path: '/accounts',
  service: 'lead',
  permission: Permission.AccountsRead,
  summary: 'Accounts, by creation time, each with its licenses',
  tags: ['Accounts'],
  query: z.object({ ownerId: OwnerId.optional(), name: z.string().trim().min(1).max(255).optional(), order: Order, ...PageQuery }),
  responses: { 200: { description: 'One page of accounts', schema: pageOf(AccountView) } },
});

export const getAccount = defineRoute({
  operationId: 'getAccount',
  method: 'get',
  path: '/accounts/{accountId}',
  service: 'lead',
  permission: Permission.AccountsRead,
  summary: 'One account with its licenses',
  tags: ['Accounts'],
  params: z.object({ accountId: AccountId }),
  problems: ['not-found'],
  responses: { 200: { description: 'The account', schema: AccountView } },
});

export const listContacts = defineRoute({
  operationId: 'listContacts',
  method: 'get',
  path: '/contacts',
  service: 'lead',
  permission: Permission.ContactsRead,
  summary: 'Contacts, by creation time, each with its licenses',
  tags: ['Contacts'],
  query: z.object({ email: Email.optional(), accountId: AccountId.optional(), ownerId: OwnerId.optional(), order: Order, ...PageQuery }),
  responses: { 200: { description: 'One page of contacts', schema: pageOf(ContactView) } },
});

export const getContact = defineRoute({
  operationId: 'getContact',
  method: 'get',
  path: '/contacts/{contactId}',
  service: 'lead',
  permission: Permission.ContactsRead,
  summary: 'One contact with its licenses',
  tags: ['Contacts'],
  params: z.object({ contactId: ContactId }),
  problems: ['not-found'],
  responses: { 200: { description: 'The contact', schema: ContactView } },
});

// --- audit ---

export const AUDIT_RESOURCE_TYPES = ['team-member', 'package', 'lead'] as const;
export const AuditEntryView = z.object({
  entryId: z.string(),
  resourceType: z.enum(AUDIT_RESOURCE_TYPES),
  resourceId: z.string(),
  action: z.enum(['team-member.created', 'team-member.changed', 'lead-routing.changed', 'lead.converted']),
  actor: z.string().describe("The caller's subject (token `sub` or API key)"),
  at: Iso,
  before: z.record(z.unknown()).nullable(),
  after: z.record(z.unknown()),
});

export const listAuditEntries = defineRoute({
  operationId: 'listAuditEntries',
  method: 'get',
  path: '/audit-entries',
  service: 'lead',
  permission: Permission.Admin,
  summary: 'Changes made through the lead API to one resource: who, when, before and after',
  description: 'Resource ids: team member id, package id (lead routing), lead id (conversion). Oldest first.',
  tags: ['Audit'],
  query: z.object({
    resourceType: z.enum(AUDIT_RESOURCE_TYPES),
    resourceId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a team member, package or lead id'),
    ...PageQuery,
  }),
  responses: { 200: { description: 'One page of entries', schema: pageOf(AuditEntryView) } },
});

/** Public operations served by the lead service (see route.ts). */
export const leadRoutes: ApiRoute[] = [
  createTeamMember,
  updateTeamMember,
  listTeamMembers,
  getTeamMember,
  setLeadManager,
  putLeadRouting,
  getLeadRouting,
  listLeads,
  getLead,
  convertLead,
  listAccounts,
  getAccount,
  listContacts,
  getContact,
  listAuditEntries,
];
