import { describe, expect, it } from 'vitest';
import { onTimer, resumeOn } from '../src/domain/onboarding';
import { at, moved, parkedOnLead, started } from './sagaFixtures';
import { sameTimer, timerOf } from '../src/domain/sagaTimers';

const TIMEOUT = 30_000;

describe('timerOf', () => {
  it('given a new saga, then its timer is due one step timeout after the command was sent', () => {
    const saga = started();
    expect(timerOf(saga, TIMEOUT)).toEqual({
      _id: saga._id,
      dueAt: at(TIMEOUT),
      state: 'lead_requested',
      packageId: saga.packageId,
      subscriberOrgId: saga.subscriberOrgId,
      parkedReason: null,
    });
  });

  it('given a command re-sent once, then the next re-send waits twice as long', () => {
    const saga = started();
    const resent = moved(saga, onTimer(saga, at(TIMEOUT), TIMEOUT, 0));
    expect(resent.sends).toBe(2);
    expect(timerOf(resent, TIMEOUT)!.dueAt).toEqual(at(TIMEOUT + 2 * TIMEOUT));
  });

  it('given a parked saga, then its timer is its retry time and names the reason it waits for', () => {
    const parked = parkedOnLead();
    expect(timerOf(parked, TIMEOUT)).toMatchObject({ state: 'parked', parkedReason: 'lead-manager-inactive', dueAt: parked.parkedRetryAt });
  });

  it('given a saga that ended, then it needs no timer', () => {
    const saga = started();
    expect(timerOf({ ...saga, state: 'completed' }, TIMEOUT)).toBeNull();
    expect(timerOf({ ...saga, state: 'failed' }, TIMEOUT)).toBeNull();
  });

  it('given the same saga twice, then the timers are the same; after a transition they differ', () => {
    const saga = started();
    expect(sameTimer(timerOf(saga, TIMEOUT)!, timerOf({ ...saga }, TIMEOUT)!)).toBe(true);
    expect(sameTimer(timerOf(saga, TIMEOUT)!, timerOf(parkedOnLead(), TIMEOUT)!)).toBe(false);
  });
});

describe('onTimer', () => {
  it('given a command not yet overdue, when its timer goes off early, then nothing happens', () => {
    expect(onTimer(started(), at(TIMEOUT - 1), TIMEOUT, 0)).toBeNull();
  });

  it('given an overdue command, when the timer goes off, then it is re-sent with the same command id', () => {
    const saga = started();
    const t = onTimer(saga, at(TIMEOUT), TIMEOUT, 0)!;
    expect(t.command!.id).toBe(saga.pendingCommandId);
    expect(t.records).toMatchObject([{ outcome: 're-sent', commandId: saga.pendingCommandId }]);
  });

  it('given an overdue command sent the most times allowed, when the timer goes off, then the step fails', () => {
    const saga = started();
    expect(moved(saga, onTimer(saga, at(TIMEOUT), TIMEOUT, 1))).toMatchObject({ state: 'failed', failedStep: 'resolve-lead' });
  });

  it('given a parked saga, when its retry time comes, then it resumes as a new attempt; before that, nothing happens', () => {
    const parked = parkedOnLead();
    expect(onTimer(parked, new Date(parked.parkedRetryAt!.getTime() - 1), TIMEOUT, 0)).toBeNull();
    const resumed = moved(parked, onTimer(parked, parked.parkedRetryAt!, TIMEOUT, 0));
    expect(resumed).toMatchObject({ state: 'lead_requested', parkedReason: null });
    expect(resumed.pendingCommandId).not.toBe(parked.pendingCommandId);
    expect(resumed.steps.at(-1)).toMatchObject({ outcome: 'resumed', detail: 'scheduled retry' });
  });

  it('given a saga that ended, when a leftover timer goes off, then nothing happens', () => {
    expect(onTimer({ ...started(), state: 'completed' }, at(10 * TIMEOUT), TIMEOUT, 0)).toBeNull();
  });
});

describe('resumeOn', () => {
  it('given a saga parked for the reason fixed, for its package, then it resumes', () => {
    const parked = parkedOnLead();
    expect(resumeOn(parked, { packageId: parked.packageId, reasons: ['lead-manager-inactive'] }, at(5_000), 'fixed')).not.toBeNull();
    expect(resumeOn(parked, { reasons: ['lead-manager-inactive', 'lead-manager-missing'] }, at(5_000), 'fixed')).not.toBeNull();
  });

  it('given a saga parked for another reason or package, or not parked, then it stays as it is (a stale timer changes nothing)', () => {
    const parked = parkedOnLead();
    expect(resumeOn(parked, { packageId: parked.packageId, reasons: ['package-not-registered'] }, at(5_000), 'fixed')).toBeNull();
    expect(resumeOn(parked, { packageId: 'other', reasons: ['lead-manager-inactive'] }, at(5_000), 'fixed')).toBeNull();
    expect(resumeOn(started(), { reasons: ['lead-manager-inactive'] }, at(5_000), 'fixed')).toBeNull();
  });
});
