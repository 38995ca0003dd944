import { RESUMED_BY, type Onboarding } from './onboarding';

/** Where an onboarding stands, in the words a partner's admin would use. */
export function describeOnboarding(s: Onboarding) {
  const stage =
    s.state === 'completed'
      ? 'license created'
      : s.state === 'parked'
        ? 'parked'
        : s.state === 'failed'
          ? 'failed'
          : s.state === 'withdrawing_lead'
            ? 'failing: withdrawing the lead'
            : s.lead
              ? 'lead resolved'
              : 'accepted';
  return {
    sagaId: s._id,
    installEventId: s.installEventId,
    packageId: s.packageId,
    subscriberOrgId: s.subscriberOrgId,
    state: s.state,
    stage,
    currentStep: s.step,
    lead: s.lead,
    license: s.licenseId ? { licenseId: s.licenseId, licenseName: s.licenseName } : null,
    parked:
      s.state === 'parked' && s.parkedReason
        ? { reason: s.parkedReason, step: s.step, since: s.parkedSince, resumesOn: RESUMED_BY[s.parkedReason], nextRetryAt: s.parkedRetryAt }
        : null,
    failed:
      s.state === 'failed'
        ? { reason: s.failedReason, step: s.failedStep, attempts: s.steps.filter((r) => r.step === s.failedStep && r.outcome !== 'succeeded').length }
        : null,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    completedAt: s.completedAt,
    history: s.steps,
  };
}

/** A parked or failed onboarding as the dashboard lists it (only such sagas are given). */
export function describeAttention(s: Onboarding) {
  const parked = s.state === 'parked';
  return {
    sagaId: s._id,
    installEventId: s.installEventId,
    packageId: s.packageId,
    subscriberOrgId: s.subscriberOrgId,
    orgName: s.install.org?.name ?? null,
    state: parked ? ('parked' as const) : ('failed' as const),
    reason: (parked ? s.parkedReason : s.failedReason) ?? 'unknown',
    step: parked ? s.step : s.failedStep,
    since: (parked ? (s.parkedSince ?? s.updatedAt) : s.updatedAt).toISOString(),
    resumesOn: parked && s.parkedReason ? RESUMED_BY[s.parkedReason] : null,
    lead: s.lead ? { leadId: s.lead.leadId, contactId: s.lead.contactId, accountId: s.lead.accountId } : null,
  };
}

/** The onboardings of one install the diagnostics list: the `limit` latest, newest first. */
export const latestOnboardings = (sagas: readonly Onboarding[], limit: number): Onboarding[] =>
  [...sagas].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).slice(0, limit);
