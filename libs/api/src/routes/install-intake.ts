import { z } from 'zod';
import { PackageId, ParkReason, SubscriberOrgId } from '@lma/contracts';
import { PageQuery, pageOf } from '../pagination';
import { Permission } from '../permissions';
import { defineRoute, type ApiRoute } from '../route';

const SagaId = z.string().regex(/^onb:[A-Za-z0-9._:-]{1,256}$/, 'must be an onboarding id (onb:...)');
const EventId = z.string().regex(/^[A-Za-z0-9._:-]{1,256}$/, 'must be an event id');
const StepName = z.enum(['resolve-lead', 'create-license', 'withdraw-lead']);

/** Where an install's onboarding stands and why (install-intake's diagnostics view). */
export const OnboardingView = z.object({
  sagaId: z.string(),
  installEventId: z.string(),
  packageId: z.string(),
  subscriberOrgId: z.string(),
  state: z.enum(['lead_requested', 'license_requested', 'withdrawing_lead', 'completed', 'parked', 'failed']),
  stage: z.string().describe('Human-readable stage: accepted, lead resolved, license created, parked, failed...'),
  currentStep: StepName.nullable(),
  lead: z
    .object({
      leadId: z.string().nullable(),
      contactId: z.string().nullable(),
      accountId: z.string().nullable(),
      created: z.boolean(),
      ownerId: z.string(),
      matchedBy: z.string(),
    })
    .nullable(),
  license: z.object({ licenseId: z.string(), licenseName: z.string().nullable() }).nullable(),
  parked: z
    .object({
      reason: ParkReason,
      step: StepName.nullable(),
      since: z.string().datetime().nullable(),
      resumesOn: z.string().describe('What resumes the onboarding by itself'),
      nextRetryAt: z.string().datetime().nullable(),
    })
    .nullable(),
  failed: z.object({ reason: z.string().nullable(), step: StepName.nullable(), attempts: z.number().int() }).nullable(),
  createdAt: z.string().datetime(),
  updatedAt: z.string().datetime(),
  completedAt: z.string().datetime().nullable(),
  history: z.array(
    z.object({
      step: StepName,
      outcome: z.enum(['requested', 're-sent', 'succeeded', 'parked', 'failed', 'resumed']),
      at: z.string().datetime(),
      commandId: z.string(),
      detail: z.string().optional(),
    }),
  ),
});

export const listOnboardings = defineRoute({
  operationId: 'listOnboardings',
  method: 'get',
  path: '/onboardings',
  service: 'install-intake',
  permission: Permission.LicensesRead,
  summary: 'Onboardings of one install (package and subscriber org), newest first',
  description: 'Answers "why is there no license for this install?". At most the 20 latest; 404 when the install started none.',
  tags: ['Onboarding'],
  query: z.object({ packageId: PackageId, subscriberOrgId: SubscriberOrgId }),
  problems: ['not-found'],
  responses: { 200: { description: 'The onboardings', schema: z.object({ items: z.array(OnboardingView) }) } },
});

/** A parked or failed onboarding, as the dashboard lists it. */
export const OnboardingAttentionView = z.object({
  sagaId: z.string(),
  installEventId: z.string().describe('The marketplace event that started it (`/onboardings/by-event/{eventId}`)'),
  packageId: z.string(),
  subscriberOrgId: z.string(),
  orgName: z.string().nullable().describe("The subscriber org's name as the install gave it"),
  state: z.enum(['parked', 'failed']),
  reason: z.string().describe('The park reason, or what made it fail'),
  step: StepName.nullable().describe('The step parked on, or the one that failed'),
  since: z.string().datetime().describe('Parked since, or failed at'),
  resumesOn: z.string().nullable().describe('What resumes a parked one by itself (null when failed)'),
  lead: z.object({ leadId: z.string().nullable(), contactId: z.string().nullable(), accountId: z.string().nullable() }).nullable(),
});

export const listOnboardingAttention = defineRoute({
  operationId: 'listOnboardingAttention',
  method: 'get',
  path: '/onboardings/attention',
  service: 'install-intake',
  permission: Permission.LicensesRead,
  summary: 'Onboardings parked, or failed within the attention window, newest first',
  description:
    'Every parked onboarding (until it resumes) and every onboarding that failed within the last `ONBOARDING_ATTENTION_DAYS` (7 by default) of install-intake, ' +
    'with its reason and step; `state` keeps one of the two. Read from a list that holds only these, never from the history of installs.',
  tags: ['Onboarding'],
  query: z.object({ state: z.enum(['parked', 'failed']).optional(), ...PageQuery }),
  responses: { 200: { description: 'A page of onboardings needing attention', schema: pageOf(OnboardingAttentionView) } },
});

export const getOnboardingByEvent = defineRoute({
  operationId: 'getOnboardingByEvent',
  method: 'get',
  path: '/onboardings/by-event/{eventId}',
  service: 'install-intake',
  permission: Permission.LicensesRead,
  summary: 'The onboarding started by one marketplace event (its CloudEvents id)',
  description: '404 says whether the event was accepted without starting an onboarding, or never accepted (dead-lettered).',
  tags: ['Onboarding'],
  params: z.object({ eventId: EventId }),
  problems: ['not-found'],
  responses: { 200: { description: 'The onboarding', schema: OnboardingView } },
});

export const getOnboarding = defineRoute({
  operationId: 'getOnboarding',
  method: 'get',
  path: '/onboardings/{sagaId}',
  service: 'install-intake',
  permission: Permission.LicensesRead,
  summary: 'One onboarding',
  tags: ['Onboarding'],
  params: z.object({ sagaId: SagaId }),
  problems: ['not-found'],
  responses: { 200: { description: 'The onboarding', schema: OnboardingView } },
});

export const retryOnboarding = defineRoute({
  operationId: 'retryOnboarding',
  method: 'post',
  path: '/onboardings/{sagaId}/retry',
  service: 'install-intake',
  permission: Permission.LicensesEdit,
  summary: 'Retry a parked onboarding now',
  description: 'Only a parked onboarding can be retried (409 otherwise).',
  tags: ['Onboarding'],
  params: z.object({ sagaId: SagaId }),
  problems: ['not-found', 'onboarding-not-parked'],
  responses: { 202: { description: 'Resumed; the onboarding as it stands', schema: OnboardingView } },
});

/** Public operations served by the install-intake service (see route.ts). */
export const installIntakeRoutes: ApiRoute[] = [listOnboardings, listOnboardingAttention, getOnboardingByEvent, getOnboarding, retryOnboarding];
