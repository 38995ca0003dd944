import { describe, expect, it } from 'vitest';
import { InternalTopic, NotificationInputTopic, NotificationInputType, examplePackageInstalled, installationKey } from '@lma/contracts';
import { applyReply, applyTransition, resume, startOnboarding, type Onboarding } from '../src/domain/onboarding';
import { transitionEvents } from '../src/domain/sagaEvents';

const t0 = new Date('2026-02-01T10:00:00Z');
const t1 = new Date('2026-02-01T10:00:05Z');
const trace = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
const key = installationKey(examplePackageInstalled.packageId, examplePackageInstalled.subscriberOrgId);

const awaitingLicense = (): Onboarding => {
  const { saga } = startOnboarding('evt-1', examplePackageInstalled, t0);
  const lead = { leadId: 'lead-1', contactId: null, accountId: null, created: true, ownerId: 'u', matchedBy: 'new-lead' };
  return applyTransition(saga, applyReply(saga, { kind: 'lead-resolved', commandId: saga.pendingCommandId!, lead }, t0)!);
};

describe('transitionEvents', () => {
  it('given a lead resolved, then the create-license command goes to the license commands, keyed by the installation, with the trace', () => {
    const { saga } = startOnboarding('evt-1', examplePackageInstalled, t0);
    const lead = { leadId: 'lead-1', contactId: null, accountId: null, created: true, ownerId: 'u', matchedBy: 'new-lead' };
    const t = applyReply(saga, { kind: 'lead-resolved', commandId: saga.pendingCommandId!, lead }, t1)!;
    expect(transitionEvents(saga, t, t1, trace)).toEqual([
      expect.objectContaining({ topic: InternalTopic.LicenseCommands, id: t.command!.id, key, time: t1.toISOString(), traceparent: trace.traceparent }),
    ]);
  });

  it('given a license parked, then a parked fact goes to the notification inputs and no command', () => {
    const saga = awaitingLicense();
    const t = applyReply(saga, { kind: 'license-parked', commandId: saga.pendingCommandId!, reason: 'version-not-uploaded', detail: 'no version' }, t1)!;
    const events = transitionEvents(saga, t, t1, {});
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      topic: NotificationInputTopic.OnboardingEvents,
      type: NotificationInputType.OnboardingParked,
      id: `${saga._id}:parked:${saga.pendingCommandId}`,
      key,
      data: { sagaId: saga._id, reason: 'version-not-uploaded', parkedSince: t1.toISOString() },
    });
  });

  it('given a parked saga resumed, then an un-parked fact and the new command', () => {
    const saga = awaitingLicense();
    const parked = applyTransition(saga, applyReply(saga, { kind: 'license-parked', commandId: saga.pendingCommandId!, reason: 'version-not-uploaded', detail: 'x' }, t1)!);
    const t = resume(parked, t1, 'uploaded')!;
    expect(transitionEvents(parked, t, t1, {}).map((e) => e.type)).toEqual([t.command!.type, NotificationInputType.OnboardingUnparked]);
  });

  it('given a license that can never be created for a lead found, then a failed fact once', () => {
    const { saga } = startOnboarding('evt-1', examplePackageInstalled, t0);
    const lead = { leadId: null, contactId: 'c-1', accountId: 'a-1', created: false, ownerId: 'u', matchedBy: 'existing-contact' };
    const waiting = applyTransition(saga, applyReply(saga, { kind: 'lead-resolved', commandId: saga.pendingCommandId!, lead }, t0)!);
    const t = applyReply(waiting, { kind: 'license-failed', commandId: waiting.pendingCommandId!, reason: 'org deleted' }, t1)!;
    expect(transitionEvents(waiting, t, t1, {})).toEqual([
      expect.objectContaining({ type: NotificationInputType.OnboardingFailed, id: `${saga._id}:failed`, data: expect.objectContaining({ reason: 'org deleted' }) }),
    ]);
  });
});
