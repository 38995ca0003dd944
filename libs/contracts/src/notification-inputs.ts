import { z } from 'zod';

/**
 * Internal facts the notification service listens to besides the license events (LMA's own
 * design): a lead created by the lead service, an onboarding that failed or parked in
 * install-intake. Each is published through its producer's embedded outbox, so it is neither
 * lost nor published for a change that was not written.
 */
export const NotificationInputTopic = {
  /** Facts about onboarding sagas from install-intake. */
  OnboardingEvents: 'lma.onboarding.events',
} as const;

export const NotificationInputType = {
  /** On `lma.lead.events`, key = the lead id. */
  LeadCreated: 'lma.lead.created',
  /** On `lma.onboarding.events`, key = `<packageId>:<subscriberOrgId>`. */
  OnboardingFailed: 'lma.onboarding.failed',
  OnboardingParked: 'lma.onboarding.parked',
  /** The parked saga went on (resumed, completed or failed): a "parked too long" alert is no longer due. */
  OnboardingUnparked: 'lma.onboarding.unparked',
} as const;

export const LeadCreatedV1 = z.object({
  leadId: z.string().min(1),
  packageId: z.string().nullable(),
  subscriberOrgId: z.string().nullable(),
  ownerId: z.string(),
  company: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  leadSource: z.string(),
  createdAt: z.string(),
});
export type LeadCreatedV1 = z.infer<typeof LeadCreatedV1>;

const SagaFact = z.object({ sagaId: z.string().min(1), packageId: z.string(), subscriberOrgId: z.string() });
export const OnboardingFailedV1 = SagaFact.extend({ reason: z.string(), failedAt: z.string() });
export type OnboardingFailedV1 = z.infer<typeof OnboardingFailedV1>;
export const OnboardingParkedV1 = SagaFact.extend({ reason: z.string(), detail: z.string(), parkedSince: z.string() });
export type OnboardingParkedV1 = z.infer<typeof OnboardingParkedV1>;
export const OnboardingUnparkedV1 = SagaFact.extend({ state: z.string(), at: z.string() });
export type OnboardingUnparkedV1 = z.infer<typeof OnboardingUnparkedV1>;
