import type { PackageInstalledV1 } from '@lma/contracts';

/**
 * The onboarding saga's state and its pure transitions (no I/O, the clock passed in).
 * install-intake persists the result and sends the commands through its outbox.
 */
export type SagaState = 'license_requested' | 'completed' | 'parked' | 'failed';
export type StepName = 'create-license';

export interface StepRecord {
  step: StepName;
  outcome: 'requested' | 'succeeded' | 'parked' | 'failed';
  at: Date;
  commandId: string;
  detail?: string;
}

export interface Onboarding {
  _id: string;
  installEventId: string;
  packageId: string;
  subscriberOrgId: string;
  install: PackageInstalledV1;
  state: SagaState;
  pendingCommandId: string | null;
  attempts: number;
  licenseId: string | null;
  licenseName: string | null;
  parkedReason: string | null;
  failedReason: string | null;
  steps: StepRecord[];
  createdAt: Date;
  updatedAt: Date;
}

/** Deterministic ids: a redelivered install or a re-sent command maps to the same ids. */
export const sagaIdFor = (installEventId: string): string => `onb:${installEventId}`;
export const commandIdFor = (sagaId: string, step: StepName, attempt: number): string => `${sagaId}:${step}:${attempt}`;

export function startOnboarding(installEventId: string, install: PackageInstalledV1, now: Date): Onboarding {
  const _id = sagaIdFor(installEventId);
  const commandId = commandIdFor(_id, 'create-license', 1);
  return {
    _id,
    installEventId,
    packageId: install.packageId,
    subscriberOrgId: install.subscriberOrgId,
    install,
    state: 'license_requested',
    pendingCommandId: commandId,
    attempts: 1,
    licenseId: null,
    licenseName: null,
    parkedReason: null,
    failedReason: null,
    steps: [{ step: 'create-license', outcome: 'requested', at: now, commandId }],
    createdAt: now,
    updatedAt: now,
  };
}

export type Reply =
  | { kind: 'license-created'; commandId: string; licenseId: string; licenseName: string }
  | { kind: 'license-parked'; commandId: string; reason: string; detail: string }
  | { kind: 'license-failed'; commandId: string; reason: string };

/** The fields a reply changes, or null when the reply is stale or a duplicate. */
export function applyReply(saga: Pick<Onboarding, 'state' | 'pendingCommandId'>, reply: Reply, now: Date): Partial<Onboarding> & { step: StepRecord } | null {
  if (saga.pendingCommandId !== reply.commandId || saga.state === 'completed' || saga.state === 'failed') return null;
  const base = { commandId: reply.commandId, step: 'create-license' as const, at: now };
  switch (reply.kind) {
    case 'license-created':
      return {
        state: 'completed',
        pendingCommandId: null,
        licenseId: reply.licenseId,
        licenseName: reply.licenseName,
        parkedReason: null,
        updatedAt: now,
        step: { ...base, outcome: 'succeeded', detail: reply.licenseName },
      };
    case 'license-parked':
      return {
        state: 'parked',
        parkedReason: reply.reason,
        updatedAt: now,
        step: { ...base, outcome: 'parked', detail: `${reply.reason}: ${reply.detail}` },
      };
    case 'license-failed':
      return {
        state: 'failed',
        pendingCommandId: null,
        failedReason: reply.reason,
        updatedAt: now,
        step: { ...base, outcome: 'failed', detail: reply.reason },
      };
  }
}
