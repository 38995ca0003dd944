import type { Onboarding } from './onboarding';

/**
 * An onboarding that needs a person's attention: parked (pending work, until it resumes) or
 * failed (kept for the attention window, then pruned). One per such saga, by its id: what the
 * dashboard lists without reading the sagas' history. The saga stays the truth; a record that
 * does not match its saga is not shown.
 */
export interface OnboardingAttention {
  /** The saga id. */
  _id: string;
  state: 'parked' | 'failed';
  /** Since when it is parked (the first park of this stretch) or when it failed. */
  since: Date;
  packageId: string;
  subscriberOrgId: string;
}

/** The attention record `saga` needs, or null while it is under way or once it completed. */
export function attentionOf(saga: Onboarding): OnboardingAttention | null {
  if (saga.state !== 'parked' && saga.state !== 'failed') return null;
  const since = saga.state === 'parked' ? (saga.parkedSince ?? saga.updatedAt) : saga.updatedAt;
  return { _id: saga._id, state: saga.state, since, packageId: saga.packageId, subscriberOrgId: saga.subscriberOrgId };
}

export const sameAttention = (a: OnboardingAttention | null, b: OnboardingAttention | null): boolean =>
  a === b || (a !== null && b !== null && a._id === b._id && a.state === b.state && a.since.getTime() === b.since.getTime());

/** Whether the record still describes its saga (a record written before a write that never happened does not). */
export const attentionMatches = (record: OnboardingAttention, saga: Onboarding | null): boolean => saga !== null && sameAttention(attentionOf(saga), record);
