import { z } from 'zod';
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
} as const;

export const InternalSource = {
  InstallIntake: 'lma/install-intake',
  Lead: 'lma/lead',
  License: 'lma/license',
} as const;

export const CommandType = {
  CreateLicense: 'lma.command.license.create',
} as const;

export const ReplyType = {
  LicenseCreated: 'lma.reply.license.created',
  LicenseCreationParked: 'lma.reply.license.creation-parked',
  LicenseCreationFailed: 'lma.reply.license.creation-failed',
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
export type ParkReason = z.infer<typeof ParkReason>;

export const LicenseCreationParkedV1 = SagaRef.extend({ reason: ParkReason, detail: z.string() });
export type LicenseCreationParkedV1 = z.infer<typeof LicenseCreationParkedV1>;

export const LicenseCreationFailedV1 = SagaRef.extend({ reason: z.string() });
export type LicenseCreationFailedV1 = z.infer<typeof LicenseCreationFailedV1>;

export const internalSchemas = {
  [CommandType.CreateLicense]: { version: 1, topic: InternalTopic.LicenseCommands, schema: CreateLicenseV1 },
  [ReplyType.LicenseCreated]: { version: 1, topic: InternalTopic.SagaReplies, schema: LicenseCreatedReplyV1 },
  [ReplyType.LicenseCreationParked]: { version: 1, topic: InternalTopic.SagaReplies, schema: LicenseCreationParkedV1 },
  [ReplyType.LicenseCreationFailed]: { version: 1, topic: InternalTopic.SagaReplies, schema: LicenseCreationFailedV1 },
} as const;

export const dlqTopic = (topic: string): string => `${topic}.dlq`;
