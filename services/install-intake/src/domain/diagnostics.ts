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

/** The onboardings of one install the diagnostics list: the `limit` latest, newest first. */
export const latestOnboardings = (sagas: readonly Onboarding[], limit: number): Onboarding[] =>
  [...sagas].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).slice(0, limit);
