import { describe, expect, it } from 'vitest';
import { CommandType, InternalTopic, examplePackageInstalled } from '@lma/contracts';
import { applyReply, resume, sagaIdFor, startOnboarding, type Onboarding, type Reply, type ResolvedLead, type Transition } from '../src/domain/onboarding';
import { commandEvent } from '../src/domain/sagaEvents';

const t0 = new Date('2026-02-01T10:15:01Z');
const t1 = new Date('2026-02-01T10:15:02Z');
const t2 = new Date('2026-02-01T10:20:00Z');
const t3 = new Date('2026-02-01T10:30:00Z');

const existingContact: ResolvedLead = { leadId: null, contactId: 'contact-1', accountId: 'account-1', created: false, ownerId: 'user-1', matchedBy: 'email' };
const newLead: ResolvedLead = { leadId: 'lead-1', contactId: null, accountId: null, created: true, ownerId: 'user-1', matchedBy: 'created' };

/** What the handler persists: the changed fields set and the history entry appended. */
function persist(saga: Onboarding, t: Transition | null): Onboarding {
  if (!t) throw new Error('expected the reply to change the saga');
  return { ...saga, ...t.set, steps: [...saga.steps, ...t.records] };
}

function pending(saga: Onboarding): string {
  if (saga.pendingCommandId === null) throw new Error('the saga has no pending command');
  return saga.pendingCommandId;
}

/** A saga whose lead is resolved and whose license has been requested. */
function awaitingLicense(lead: ResolvedLead = existingContact): Onboarding {
  const { saga } = startOnboarding('evt-1', examplePackageInstalled, t0);
  return persist(saga, applyReply(saga, { kind: 'lead-resolved', commandId: pending(saga), lead }, t1));
}

const created = (commandId: string): Reply => ({ kind: 'license-created', commandId, licenseId: 'lic-1', licenseName: 'L-000001' });
const parked = (commandId: string): Reply => ({ kind: 'license-parked', commandId, reason: 'package-not-registered', detail: 'package 033000000000ABCDEF has not been registered yet' });
const failed = (commandId: string): Reply => ({ kind: 'license-failed', commandId, reason: 'package withdrawn' });
const everyLicenseReply = [
  ['created', created],
  ['parked', parked],
  ['failed', failed],
] as const;

describe('sagaIdFor and startOnboarding', () => {
  it('given the same install event delivered twice, when onboarding starts, then the saga and its command have the same ids', () => {
    const first = startOnboarding('evt-1', examplePackageInstalled, t0);
    const again = startOnboarding('evt-1', examplePackageInstalled, t2);
    expect(first.saga._id).toBe(sagaIdFor('evt-1'));
    expect(again.saga._id).toBe(first.saga._id);
    expect(again.command.id).toBe(first.command.id);
  });

  it('given two different install events, when onboarding starts, then the sagas and commands differ', () => {
    const a = startOnboarding('evt-1', examplePackageInstalled, t0);
    const b = startOnboarding('evt-2', examplePackageInstalled, t0);
    expect(b.saga._id).not.toBe(a.saga._id);
    expect(b.command.id).not.toBe(a.command.id);
  });

  it('given an install, when onboarding starts, then the lead is requested for the installer and nothing else is known yet', () => {
    const { saga, command } = startOnboarding('evt-1', examplePackageInstalled, t0);
    expect(saga).toMatchObject({
      installEventId: 'evt-1',
      packageId: examplePackageInstalled.packageId,
      subscriberOrgId: examplePackageInstalled.subscriberOrgId,
      state: 'lead_requested',
      step: 'resolve-lead',
      pendingCommandId: command.id,
      lead: null,
      licenseId: null,
      parkedReason: null,
      failedReason: null,
      createdAt: t0,
    });
    expect(saga.steps).toEqual([{ step: 'resolve-lead', outcome: 'requested', at: t0, commandId: command.id }]);
    expect(commandEvent(saga, command, t0, {})).toMatchObject({ topic: InternalTopic.LeadCommands, type: CommandType.ResolveLead, id: command.id, data: { sagaId: saga._id, commandId: command.id, installer: examplePackageInstalled.installer } });
  });
});

describe('applyReply', () => {
  it('given a requested lead, when it is resolved, then the license is requested with that lead and contact', () => {
    const { saga } = startOnboarding('evt-1', examplePackageInstalled, t0);
    const t = applyReply(saga, { kind: 'lead-resolved', commandId: pending(saga), lead: existingContact }, t1)!;
    expect(t.set).toMatchObject({ state: 'license_requested', step: 'create-license', lead: existingContact });
    expect(t.set.pendingCommandId).not.toBe(saga.pendingCommandId);
    expect(commandEvent(saga, t.command!, t1, {})).toMatchObject({ topic: InternalTopic.LicenseCommands, type: CommandType.CreateLicense, id: t.set.pendingCommandId, data: { install: examplePackageInstalled, leadId: null, contactId: 'contact-1' } });
  });

  it('given a requested license, when it is created, then the saga completes with the license and sends nothing', () => {
    const saga = awaitingLicense();
    const t = applyReply(saga, created(pending(saga)), t2)!;
    expect(t.command).toBeNull();
    const after = persist(saga, t);
    expect(after).toMatchObject({ state: 'completed', pendingCommandId: null, licenseId: 'lic-1', licenseName: 'L-000001', completedAt: t2 });
    expect(after.steps.at(-1)).toEqual({ step: 'create-license', outcome: 'succeeded', at: t2, commandId: saga.pendingCommandId, detail: 'L-000001' });
  });

  it('given a requested license, when creation is parked, then the saga waits with the reason and the command still pending', () => {
    const saga = awaitingLicense();
    const t = applyReply(saga, parked(pending(saga)), t2)!;
    expect(t.command).toBeNull();
    const after = persist(saga, t);
    expect(after).toMatchObject({ state: 'parked', step: 'create-license', parkedReason: 'package-not-registered', parkedSince: t2, pendingCommandId: saga.pendingCommandId });
    expect(after.steps.at(-1)).toMatchObject({ outcome: 'parked', detail: expect.stringContaining('package-not-registered') });
  });

  it('given a parked saga, when the license is then created for the parked command, then the saga completes', () => {
    const saga = awaitingLicense();
    const waiting = persist(saga, applyReply(saga, parked(pending(saga)), t2));
    const done = persist(waiting, applyReply(waiting, created(pending(saga)), t3));
    expect(done).toMatchObject({ state: 'completed', pendingCommandId: null, licenseName: 'L-000001', completedAt: t3 });
    // resolve-lead requested and succeeded, create-license requested, parked, then succeeded
    expect(done.steps.map((s) => s.outcome)).toEqual(['requested', 'succeeded', 'requested', 'parked', 'succeeded']);
  });

  it('given a parked saga that was resumed, when the license is created for the new attempt, then the saga completes and the old attempt is stale', () => {
    const saga = awaitingLicense();
    const waiting = persist(saga, applyReply(saga, parked(pending(saga)), t2));
    const resumed = persist(waiting, resume(waiting, t3, 'package registered'));
    expect(resumed.state).toBe('license_requested');
    expect(pending(resumed)).not.toBe(pending(saga));
    expect(applyReply(resumed, created(pending(saga)), t3)).toBeNull();
    expect(persist(resumed, applyReply(resumed, created(pending(resumed)), t3)).state).toBe('completed');
  });

  it('given a requested license and a lead found (not created), when creation fails, then the saga fails with the reason', () => {
    const saga = awaitingLicense(existingContact);
    const t = applyReply(saga, failed(pending(saga)), t2)!;
    expect(t.command).toBeNull();
    expect(persist(saga, t)).toMatchObject({ state: 'failed', pendingCommandId: null, failedReason: 'package withdrawn', failedStep: 'create-license', licenseId: null });
  });

  it('given a lead this saga created, when license creation fails, then the lead is withdrawn before the saga fails', () => {
    const saga = awaitingLicense(newLead);
    const t = applyReply(saga, failed(pending(saga)), t2)!;
    expect(commandEvent(saga, t.command!, t2, {})).toMatchObject({ topic: InternalTopic.LeadCommands, type: CommandType.WithdrawLead, data: { leadId: 'lead-1' } });
    const withdrawing = persist(saga, t);
    expect(withdrawing).toMatchObject({ state: 'withdrawing_lead', failedReason: 'package withdrawn' });
    const done = persist(withdrawing, applyReply(withdrawing, { kind: 'lead-withdrawn', commandId: pending(withdrawing) }, t3));
    expect(done).toMatchObject({ state: 'failed', failedReason: 'package withdrawn', failedStep: 'create-license', pendingCommandId: null });
  });

  it.each(everyLicenseReply)('given a requested license, when a %s reply for another command arrives, then nothing changes', (_kind, reply) => {
    expect(applyReply(awaitingLicense(), reply('onb:evt-other:create-license:1'), t2)).toBeNull();
  });

  it('given a requested license, when a reply of the lead step arrives with its command id, then nothing changes', () => {
    const saga = awaitingLicense();
    expect(applyReply(saga, { kind: 'lead-resolved', commandId: pending(saga), lead: newLead }, t2)).toBeNull();
  });

  it.each(everyLicenseReply)('given a completed saga, when a %s reply for its last command arrives again, then nothing changes', (_kind, reply) => {
    const saga = awaitingLicense();
    const commandId = pending(saga);
    const done = persist(saga, applyReply(saga, created(commandId), t2));
    expect(applyReply(done, reply(commandId), t3)).toBeNull();
  });

  it.each(everyLicenseReply)('given a failed saga, when a late %s reply arrives, then nothing changes', (_kind, reply) => {
    const saga = awaitingLicense();
    const commandId = pending(saga);
    const dead = persist(saga, applyReply(saga, failed(commandId), t2));
    expect(applyReply(dead, reply(commandId), t3)).toBeNull();
    expect(applyReply({ ...saga, state: 'failed' }, reply(commandId), t3)).toBeNull();
  });

  it('given a completed saga that still names its command, when the reply arrives again, then nothing changes', () => {
    const saga = awaitingLicense();
    expect(applyReply({ ...saga, state: 'completed' }, created(pending(saga)), t3)).toBeNull();
  });
});
