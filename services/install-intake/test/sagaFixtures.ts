import { examplePackageInstalled } from '@lma/contracts';
import { applyReply, applyTransition, startOnboarding, type Onboarding, type Reply, type Transition } from '../src/domain/onboarding';

/** Sagas of the unit tests: one install, started at t0, moved by the pure transitions. */
export const t0 = new Date('2026-02-01T10:00:00Z');
export const at = (ms: number) => new Date(t0.getTime() + ms);
export const moved = (saga: Onboarding, t: Transition | null): Onboarding => {
  if (!t) throw new Error('expected a transition');
  return applyTransition(saga, t);
};
export const started = () => startOnboarding('evt-1', examplePackageInstalled, t0).saga;
export const parkedReply = (saga: Onboarding): Reply => ({ kind: 'lead-parked', commandId: saga.pendingCommandId!, reason: 'lead-manager-inactive', detail: 'inactive' });
/** Parked one second in: the lead manager is inactive. */
export const parkedOnLead = () => {
  const saga = started();
  return moved(saga, applyReply(saga, parkedReply(saga), at(1_000)));
};
