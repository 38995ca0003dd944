import { Schema, type Connection, type Model } from 'mongoose';
import { storedPaths } from '@lma/store';
import type { Onboarding } from '../domain/onboarding';
import type { SagaTimer } from '../domain/sagaTimers';
import type { OnboardingAttention } from '../domain/attention';

/**
 * Every accepted marketplace record, by ce_id (the `_id` is the de-duplication), with its
 * forward to `lma.marketplace.accepted` in its outbox. Written through the store only.
 */
export interface InboundEvent {
  _id: string;
  type: string;
  source: string;
  key: string | null;
  time: string;
  receivedAt: Date;
  data: string;
}
const InboundEventSchema = new Schema<InboundEvent>(
  { _id: String, type: String, source: String, key: String, time: String, receivedAt: Date, data: String, ...storedPaths },
  { versionKey: false, collection: 'inbound_events' },
);

/** The onboarding sagas, read and written by `_id` only, through the store (infra/sagaStore.ts). */
const OnboardingSchema = new Schema<Onboarding>(
  {
    _id: String,
    installEventId: String,
    packageId: String,
    subscriberOrgId: String,
    install: Schema.Types.Mixed,
    state: String,
    step: String,
    pendingCommandId: String,
    sends: Number,
    stepAttempts: Schema.Types.Mixed,
    commandSentAt: Date,
    lead: Schema.Types.Mixed,
    licenseId: String,
    licenseName: String,
    parkedReason: String,
    parkedSince: Date,
    parkedRetryAt: Date,
    failedReason: String,
    failedStep: String,
    steps: [Schema.Types.Mixed],
    createdAt: Date,
    updatedAt: Date,
    completedAt: Date,
    traceparent: String,
    tracestate: String,
    ...storedPaths,
  },
  { versionKey: false, collection: 'onboardings', minimize: false },
);

/** One timer per saga that has not ended (domain/sagaTimers.ts): the sweeper's and the resume triggers' work list. */
const SagaTimerSchema = new Schema<SagaTimer>(
  { _id: String, dueAt: Date, state: String, packageId: String, subscriberOrgId: String, parkedReason: String },
  { versionKey: false, collection: 'saga_timers' },
);
SagaTimerSchema.index({ dueAt: 1 });
SagaTimerSchema.index({ state: 1, packageId: 1, parkedReason: 1 });

/** Parked onboardings and those failed within the attention window (domain/attention.ts): the dashboard's list. */
const OnboardingAttentionSchema = new Schema<OnboardingAttention>(
  { _id: String, state: String, since: Date, packageId: String, subscriberOrgId: String },
  { versionKey: false, collection: 'onboarding_attention' },
);
OnboardingAttentionSchema.index({ since: -1, _id: -1 });
OnboardingAttentionSchema.index({ state: 1, since: -1, _id: -1 });

/**
 * Collections written through the store by `_id` only, without a mongoose model:
 * - `installation_onboardings`: per installation (`_id` = `<packageId>:<subscriberOrgId>`), the ids
 *   of its sagas (InstallationOnboardings), written before a saga is inserted;
 * - `handled_commands`: a refresh's start-onboardings command handled (by its ce_id), with its reply in its outbox;
 * - `saga_counts`: the number of sagas that completed and failed (SagaTotals), for /metrics;
 * - `migrations`: one-off data migrations done (infra/backfill.ts).
 */
export const Collections = {
  installations: 'installation_onboardings',
  handledCommands: 'handled_commands',
  sagaCounts: 'saga_counts',
  migrations: 'migrations',
} as const;

export interface InstallationOnboardings {
  /** installationKey(packageId, subscriberOrgId) */
  _id: string;
  packageId: string;
  subscriberOrgId: string;
  /** In the order they were started. */
  sagaIds: string[];
}

export interface Models {
  InboundEvent: Model<InboundEvent>;
  Onboarding: Model<Onboarding>;
  SagaTimer: Model<SagaTimer>;
  OnboardingAttention: Model<OnboardingAttention>;
}

export function registerModels(db: Connection): void {
  db.model('InboundEvent', InboundEventSchema);
  db.model('Onboarding', OnboardingSchema);
  db.model('SagaTimer', SagaTimerSchema);
  db.model('OnboardingAttention', OnboardingAttentionSchema);
}

export const models = (db: Connection): Models => ({
  InboundEvent: db.model<InboundEvent>('InboundEvent'),
  Onboarding: db.model<Onboarding>('Onboarding'),
  SagaTimer: db.model<SagaTimer>('SagaTimer'),
  OnboardingAttention: db.model<OnboardingAttention>('OnboardingAttention'),
});
