import {
  CommandType,
  type CreateLicenseV1,
  type PackageInstalledV1,
  type ParkReason,
  type ResolveLeadV1,
  type WithdrawLeadV1,
} from '@lma/contracts';

/**
 * The onboarding saga: its state and pure transitions (no I/O; the clock is an argument).
 * Steps, each answered by a reply: resolve the lead (lead service), create the license (license
 * service); if the license can never be created after this saga created a lead, withdraw that
 * lead (the undo) and end `failed`. Fixable causes park the saga; it resumes by itself.
 * install-intake persists the result and sends the commands through its outbox.
 */
export type SagaState = 'lead_requested' | 'license_requested' | 'withdrawing_lead' | 'completed' | 'parked' | 'failed';
export type StepName = 'resolve-lead' | 'create-license' | 'withdraw-lead';

export interface StepRecord {
  step: StepName;
  outcome: 'requested' | 're-sent' | 'succeeded' | 'parked' | 'failed' | 'resumed';
  at: Date;
  commandId: string;
  detail?: string;
}

export interface ResolvedLead {
  leadId: string | null;
  contactId: string | null;
  accountId: string | null;
  created: boolean;
  ownerId: string;
  matchedBy: string;
}

export interface Onboarding {
  _id: string;
  installEventId: string;
  packageId: string;
  subscriberOrgId: string;
  install: PackageInstalledV1;
  state: SagaState;
  /** The step whose command is outstanding (or parked). */
  step: StepName | null;
  pendingCommandId: string | null;
  /** Sends of the current command (re-sends after a timeout included). */
  sends: number;
  /** Command attempts per step, for deterministic command ids. */
  stepAttempts: Partial<Record<StepName, number>>;
  commandSentAt: Date | null;
  lead: ResolvedLead | null;
  licenseId: string | null;
  licenseName: string | null;
  parkedReason: ParkReason | null;
  parkedSince: Date | null;
  parkedRetryAt: Date | null;
  failedReason: string | null;
  failedStep: StepName | null;
  steps: StepRecord[];
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
  /** Trace context of the install, continued by every command the saga sends. */
  traceparent?: string;
  tracestate?: string;
}

/** A command of a step; its topic comes from the contracts registry (sagaEvents.ts). */
export interface SagaCommand {
  type: string;
  id: string;
  data: ResolveLeadV1 | CreateLicenseV1 | WithdrawLeadV1;
}

/** What a transition changes: the saga fields, its history entries and maybe one command to send. */
export interface Transition {
  set: Partial<Onboarding>;
  records: StepRecord[];
  command: SagaCommand | null;
}

export const RESUMED_BY: Record<ParkReason, string> = {
  'package-not-registered': 'marketplace.package.registered for this package',
  'version-not-uploaded': 'marketplace.package-version.uploaded for this version',
  'lead-manager-inactive': "the package's lead manager being reactivated or replaced",
  'lead-manager-missing': "the package's lead manager being added to the team or replaced",
};

export const LEAD_STEP_REASONS: readonly ParkReason[] = ['lead-manager-inactive', 'lead-manager-missing'];

/** Deterministic ids: a redelivered install or a re-sent command maps to the same ids. */
export const sagaIdFor = (installEventId: string): string => `onb:${installEventId}`;
export const commandIdFor = (sagaId: string, step: StepName, attempt: number): string => `${sagaId}:${step}:${attempt}`;

function commandFor(saga: Pick<Onboarding, '_id' | 'install' | 'lead'>, step: StepName, commandId: string): SagaCommand {
  const { install } = saga;
  const ref = { sagaId: saga._id, commandId };
  switch (step) {
    case 'resolve-lead':
      return {
        type: CommandType.ResolveLead,
        id: commandId,
        data: { ...ref, packageId: install.packageId, subscriberOrgId: install.subscriberOrgId, installer: install.installer, orgName: install.org.name },
      };
    case 'create-license':
      return {
        type: CommandType.CreateLicense,
        id: commandId,
        data: { ...ref, install, leadId: saga.lead?.leadId ?? null, contactId: saga.lead?.contactId ?? null },
      };
    case 'withdraw-lead':
      return {
        type: CommandType.WithdrawLead,
        id: commandId,
        data: { ...ref, leadId: saga.lead!.leadId!, reason: 'the license could not be created' },
      };
  }
}

const STATE_OF: Record<StepName, SagaState> = {
  'resolve-lead': 'lead_requested',
  'create-license': 'license_requested',
  'withdraw-lead': 'withdrawing_lead',
};

/** Moves the saga to `step` with a fresh command (attempt n+1 of that step). */
function request(saga: Onboarding, step: StepName, now: Date, outcome: StepRecord['outcome'] = 'requested', detail?: string): Transition {
  const attempt = (saga.stepAttempts[step] ?? 0) + 1;
  const commandId = commandIdFor(saga._id, step, attempt);
  const next = { ...saga, stepAttempts: { ...saga.stepAttempts, [step]: attempt } };
  return {
    set: {
      state: STATE_OF[step],
      step,
      pendingCommandId: commandId,
      sends: 1,
      stepAttempts: next.stepAttempts,
      commandSentAt: now,
      parkedReason: null,
      parkedRetryAt: null,
      updatedAt: now,
    },
    records: [{ step, outcome, at: now, commandId, ...(detail ? { detail } : {}) }],
    command: commandFor(next, step, commandId),
  };
}

export function startOnboarding(installEventId: string, install: PackageInstalledV1, now: Date): { saga: Onboarding; command: SagaCommand } {
  const base: Onboarding = {
    _id: sagaIdFor(installEventId),
    installEventId,
    packageId: install.packageId,
    subscriberOrgId: install.subscriberOrgId,
    install,
    state: 'lead_requested',
    step: null,
    pendingCommandId: null,
    sends: 0,
    stepAttempts: {},
    commandSentAt: null,
    lead: null,
    licenseId: null,
    licenseName: null,
    parkedReason: null,
    parkedSince: null,
    parkedRetryAt: null,
    failedReason: null,
    failedStep: null,
    steps: [],
    createdAt: now,
    updatedAt: now,
    completedAt: null,
  };
  const t = request(base, 'resolve-lead', now);
  return { saga: { ...base, ...t.set, steps: t.records }, command: t.command! };
}

export type Reply =
  | { kind: 'lead-resolved'; commandId: string; lead: ResolvedLead }
  | { kind: 'lead-parked'; commandId: string; reason: ParkReason; detail: string }
  | { kind: 'lead-withdrawn'; commandId: string }
  | { kind: 'license-created'; commandId: string; licenseId: string; licenseName: string }
  | { kind: 'license-parked'; commandId: string; reason: ParkReason; detail: string }
  | { kind: 'license-failed'; commandId: string; reason: string };

const STEP_OF: Record<Reply['kind'], StepName> = {
  'lead-resolved': 'resolve-lead',
  'lead-parked': 'resolve-lead',
  'lead-withdrawn': 'withdraw-lead',
  'license-created': 'create-license',
  'license-parked': 'create-license',
  'license-failed': 'create-license',
};

/** Parked sagas retry by themselves too, in case the event that fixes them was missed. */
export const parkedRetryDelayMs = (parkedFor: number): number => Math.min(10 * 60_000, Math.max(30_000, parkedFor));

/** The transition a reply causes, or null when it is stale or a duplicate (changes nothing). */
export function applyReply(saga: Onboarding, reply: Reply, now: Date): Transition | null {
  if (reply.commandId !== saga.pendingCommandId || saga.state === 'completed' || saga.state === 'failed') return null;
  if (STEP_OF[reply.kind] !== saga.step) return null;
  // a parked saga waits for a resume (new command id); a repeated park reply changes nothing,
  // while a late success for the parked command is still welcome
  if (saga.state === 'parked' && (reply.kind === 'lead-parked' || reply.kind === 'license-parked')) return null;
  const record = (outcome: StepRecord['outcome'], detail?: string): StepRecord => ({
    step: saga.step!,
    outcome,
    at: now,
    commandId: reply.commandId,
    ...(detail ? { detail } : {}),
  });
  switch (reply.kind) {
    case 'lead-resolved': {
      const t = request({ ...saga, lead: reply.lead }, 'create-license', now);
      const detail = reply.lead.leadId ? `lead ${reply.lead.leadId} (${reply.lead.matchedBy})` : `contact ${reply.lead.contactId} (${reply.lead.matchedBy})`;
      return { set: { ...t.set, lead: reply.lead }, records: [record('succeeded', detail), ...t.records], command: t.command };
    }
    case 'license-created':
      return {
        set: { state: 'completed', step: null, pendingCommandId: null, commandSentAt: null, licenseId: reply.licenseId, licenseName: reply.licenseName, updatedAt: now, completedAt: now },
        records: [record('succeeded', reply.licenseName)],
        command: null,
      };
    case 'lead-parked':
    case 'license-parked':
      return {
        set: {
          state: 'parked',
          parkedReason: reply.reason,
          // kept across resumes: "parked since" is when the onboarding first stopped
          parkedSince: saga.parkedSince ?? now,
          parkedRetryAt: new Date(now.getTime() + parkedRetryDelayMs(saga.parkedSince ? now.getTime() - saga.parkedSince.getTime() : 0)),
          commandSentAt: null,
          updatedAt: now,
        },
        records: [record('parked', `${reply.reason}: ${reply.detail}`)],
        command: null,
      };
    case 'license-failed':
      return failLicenseStep(saga, reply.reason, now, record('failed', reply.reason));
    case 'lead-withdrawn':
      return {
        set: { state: 'failed', step: null, pendingCommandId: null, commandSentAt: null, updatedAt: now },
        records: [record('succeeded', `lead ${saga.lead?.leadId} withdrawn`)],
        command: null,
      };
  }
}

/** The license can never be created: undo the lead this saga created, else fail now. */
function failLicenseStep(saga: Onboarding, reason: string, now: Date, record: StepRecord): Transition {
  const failed = { failedReason: reason, failedStep: 'create-license' as const };
  if (saga.lead?.created && saga.lead.leadId) {
    const t = request(saga, 'withdraw-lead', now);
    return { set: { ...t.set, ...failed }, records: [record, ...t.records], command: t.command };
  }
  return { set: { ...failed, state: 'failed', step: null, pendingCommandId: null, commandSentAt: null, updatedAt: now }, records: [record], command: null };
}

/** Re-sends the parked step as a new attempt (the cause may be fixed), or null if not parked. */
export function resume(saga: Onboarding, now: Date, why: string): Transition | null {
  if (saga.state !== 'parked' || !saga.step) return null;
  return request(saga, saga.step, now, 'resumed', why);
}

/** States in which a command is out and its reply awaited. */
const AWAITING_REPLY: readonly SagaState[] = ['lead_requested', 'license_requested', 'withdrawing_lead'];
const isAwaitingReply = (state: SagaState): boolean => AWAITING_REPLY.includes(state);
/** A saga that ended: nothing more happens to it. */
export const hasEnded = (state: SagaState): state is 'completed' | 'failed' => state === 'completed' || state === 'failed';

/** How long the `sends`-th send of a command waits for its reply: twice as long each time, at most 10 minutes. */
export const resendWaitMs = (sends: number, timeoutMs: number): number => Math.min(timeoutMs * 2 ** Math.min(Math.max(sends - 1, 0), 10), 10 * 60_000);

/** The saga after a transition: the fields set, the history entries appended. */
export function applyTransition(saga: Onboarding, t: Transition): Onboarding {
  return { ...saga, ...t.set, steps: [...saga.steps, ...t.records] };
}

/** What fixed a cause of parking: the reasons it fixes, for one package or for every package. */
export interface ResumeCause {
  packageId?: string;
  reasons: readonly ParkReason[];
}

/** Resumes a saga parked for one of the cause's reasons (and package); null for any other saga. */
export function resumeOn(saga: Onboarding, cause: ResumeCause, now: Date, why: string): Transition | null {
  if (saga.state !== 'parked' || !saga.parkedReason || !cause.reasons.includes(saga.parkedReason)) return null;
  if (cause.packageId !== undefined && saga.packageId !== cause.packageId) return null;
  return resume(saga, now, why);
}

/**
 * The saga's timer went off: a parked saga whose retry time has come is resumed, an overdue
 * command is re-sent (or its step failed, see onTimeout); null when nothing is due yet.
 */
export function onTimer(saga: Onboarding, now: Date, timeoutMs: number, maxSends: number): Transition | null {
  if (saga.state === 'parked') return saga.parkedRetryAt && saga.parkedRetryAt.getTime() <= now.getTime() ? resume(saga, now, 'scheduled retry') : null;
  return onTimeout(saga, now, timeoutMs, maxSends);
}

/**
 * A command whose reply never came: re-send it with the same id (receivers are idempotent), each
 * time waiting twice as long (capped), because a silent service is usually a service that is
 * down. With `maxSends` > 0 the step fails after that many sends; 0 means never give up.
 * Null when nothing is overdue.
 */
export function onTimeout(saga: Onboarding, now: Date, timeoutMs: number, maxSends: number): Transition | null {
  if (!isAwaitingReply(saga.state) || !saga.commandSentAt || !saga.step || !saga.pendingCommandId) return null;
  const waitMs = resendWaitMs(saga.sends, timeoutMs);
  if (now.getTime() - saga.commandSentAt.getTime() < waitMs) return null;
  const commandId = saga.pendingCommandId;
  if (maxSends === 0 || saga.sends < maxSends) {
    return {
      set: { sends: saga.sends + 1, commandSentAt: now, updatedAt: now },
      records: [{ step: saga.step, outcome: 're-sent', at: now, commandId, detail: `no reply after ${waitMs} ms` }],
      command: commandFor(saga, saga.step, commandId),
    };
  }
  const reason = `${saga.step}: no reply after ${saga.sends} attempts`;
  const record: StepRecord = { step: saga.step, outcome: 'failed', at: now, commandId, detail: reason };
  if (saga.step === 'create-license') return failLicenseStep(saga, reason, now, record);
  // a failed undo keeps the reason that made it necessary
  const failedReason = saga.failedReason ? `${saga.failedReason}; then ${reason}` : reason;
  return {
    set: { state: 'failed', failedReason, failedStep: saga.failedStep ?? saga.step, step: null, pendingCommandId: null, commandSentAt: null, updatedAt: now },
    records: [record],
    command: null,
  };
}
