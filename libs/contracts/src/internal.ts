import { z } from 'zod';
import { PackageId } from './ids';
import { PackageInstalledV1 } from './marketplace';

/**
 * Internal topics and messages: LMA's own design, not part of the external contract.
 * Commands are imperative, events and replies past tense; each carries a schema version.
 */
export const InternalTopic = {
  /** Marketplace events that install-intake validated and de-duplicated, same ce_id and data. */
  MarketplaceAccepted: 'lma.marketplace.accepted',
  LicenseCommands: 'lma.license.commands',
  LeadCommands: 'lma.lead.commands',
  SagaReplies: 'lma.saga.replies',
  /** Facts from the lead service: team members, lead routing, conversions. */
  LeadEvents: 'lma.lead.events',
  /** Requests to publish licenses again, handled by the license service on a lane of their own. */
  LicenseRepublishCommands: 'lma.license.republish-commands',
} as const;

export const InternalSource = {
  InstallIntake: 'lma/install-intake',
  Lead: 'lma/lead',
  License: 'lma/license',
} as const;

export const CommandType = {
  CreateLicense: 'lma.command.license.create',
  ResolveLead: 'lma.command.lead.resolve',
  WithdrawLead: 'lma.command.lead.withdraw',
  RepublishLicenses: 'lma.command.license.republish',
} as const;

export const ReplyType = {
  LicenseCreated: 'lma.reply.license.created',
  LicenseCreationParked: 'lma.reply.license.creation-parked',
  LicenseCreationFailed: 'lma.reply.license.creation-failed',
  LeadResolved: 'lma.reply.lead.resolved',
  LeadResolutionParked: 'lma.reply.lead.resolution-parked',
  LeadWithdrawn: 'lma.reply.lead.withdrawn',
} as const;

export const LeadEventType = {
  /** A package's lead manager was set or changed: sagas parked on it can resume. */
  LeadRoutingChanged: 'lma.lead.routing-changed',
  /** A team member was added, reactivated or deactivated. */
  TeamMemberChanged: 'lma.lead.team-member-changed',
  /** A lead became an account and a contact: its licenses are linked to both. */
  LeadConverted: 'lma.lead.converted',
} as const;

export const SagaRef = z.object({
  sagaId: z.string().min(1),
  /** Deterministic per saga step attempt group: a re-sent command keeps its id. */
  commandId: z.string().min(1),
});

export const CreateLicenseV1 = SagaRef.extend({
  install: PackageInstalledV1,
  leadId: z.string().nullable(),
  contactId: z.string().nullable(),
});
export type CreateLicenseV1 = z.infer<typeof CreateLicenseV1>;

export const LicenseCreatedReplyV1 = SagaRef.extend({
  licenseId: z.string(),
  licenseName: z.string(),
  /** True when the license already existed (redelivery, reinstall): nothing new was created. */
  existing: z.boolean(),
});
export type LicenseCreatedReplyV1 = z.infer<typeof LicenseCreatedReplyV1>;

export const ParkReason = z.enum(['package-not-registered', 'version-not-uploaded', 'lead-manager-inactive', 'lead-manager-missing']);

export const ResolveLeadV1 = SagaRef.extend({
  packageId: z.string(),
  subscriberOrgId: z.string(),
  installer: PackageInstalledV1.shape.installer,
  orgName: z.string(),
});
export type ResolveLeadV1 = z.infer<typeof ResolveLeadV1>;

export const LeadResolvedV1 = SagaRef.extend({
  /** The lead the license links to, or null when an existing contact matched. */
  leadId: z.string().nullable(),
  contactId: z.string().nullable(),
  accountId: z.string().nullable(),
  /** True when this saga created the lead (so only then may it withdraw it). */
  created: z.boolean(),
  ownerId: z.string(),
  matchedBy: z.enum(['new-lead', 'existing-contact', 'existing-lead']),
});
export type LeadResolvedV1 = z.infer<typeof LeadResolvedV1>;

export const LeadResolutionParkedV1 = SagaRef.extend({ reason: ParkReason, detail: z.string() });
export type LeadResolutionParkedV1 = z.infer<typeof LeadResolutionParkedV1>;

export const WithdrawLeadV1 = SagaRef.extend({ leadId: z.string(), reason: z.string() });
export type WithdrawLeadV1 = z.infer<typeof WithdrawLeadV1>;

export const LeadWithdrawnV1 = SagaRef.extend({ leadId: z.string() });
export type LeadWithdrawnV1 = z.infer<typeof LeadWithdrawnV1>;

export const LeadRoutingChangedV1 = z.object({ packageId: z.string(), leadManagerId: z.string().nullable() });
/** `name`, `email` and `roles` are optional (older events lack them); the notification service keeps its directory from them. */
export const TeamMemberChangedV1 = z.object({
  teamMemberId: z.string(),
  active: z.boolean(),
  name: z.string().optional(),
  email: z.string().optional(),
  roles: z.array(z.string()).optional(),
});
export const LeadConvertedV1 = z.object({ leadId: z.string(), accountId: z.string(), contactId: z.string(), convertedAt: z.string() });
export type LeadConvertedV1 = z.infer<typeof LeadConvertedV1>;
export type ParkReason = z.infer<typeof ParkReason>;

export const LicenseCreationParkedV1 = SagaRef.extend({ reason: ParkReason, detail: z.string() });
export type LicenseCreationParkedV1 = z.infer<typeof LicenseCreationParkedV1>;

export const LicenseCreationFailedV1 = SagaRef.extend({ reason: z.string() });
export type LicenseCreationFailedV1 = z.infer<typeof LicenseCreationFailedV1>;

/**
 * Publish the current state of the licenses of a package (or of every package: `packageId` null)
 * again, each with its current revision, `reason: republish` and `changedBy` the requester.
 */
export const RepublishLicensesV1 = z.object({
  requestId: z.string().min(1).max(128),
  packageId: PackageId.nullable(),
  requestedBy: z.string().min(1),
});
export type RepublishLicensesV1 = z.infer<typeof RepublishLicensesV1>;

export const dlqTopic = (topic: string): string => `${topic}.dlq`;
