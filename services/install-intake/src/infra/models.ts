import { Schema, type Connection, type Model } from 'mongoose';
import { outboxPaths, type OutboxFields } from '@lma/kafka';
import type { Onboarding } from '../domain/onboarding';


/** Every accepted marketplace record, by ce_id (the unique `_id` is the de-duplication). */
export interface InboundEvent extends OutboxFields {
  _id: string;
  type: string;
  source: string;
  key: string | null;
  time: string;
  receivedAt: Date;
  data: string;
}
const InboundEventSchema = new Schema<InboundEvent>(
  { _id: String, type: String, source: String, key: String, time: String, receivedAt: Date, data: String, ...outboxPaths },
  { versionKey: false, collection: 'inbound_events' },
);
InboundEventSchema.index({ key: 1, receivedAt: -1 });

export type OnboardingDoc = Onboarding & OutboxFields;
const OnboardingSchema = new Schema<OnboardingDoc>(
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
    ...outboxPaths,
  },
  { versionKey: false, collection: 'onboardings', minimize: false },
);
OnboardingSchema.index({ installEventId: 1 });
OnboardingSchema.index({ packageId: 1, subscriberOrgId: 1, createdAt: -1 });
OnboardingSchema.index({ state: 1, packageId: 1, parkedReason: 1 });
OnboardingSchema.index({ state: 1, commandSentAt: 1 });
OnboardingSchema.index({ state: 1, parkedRetryAt: 1 });

export interface Models {
  InboundEvent: Model<InboundEvent>;
  Onboarding: Model<OnboardingDoc>;
}

export function registerModels(db: Connection): void {
  db.model('InboundEvent', InboundEventSchema);
  db.model('Onboarding', OnboardingSchema);
}

export const models = (db: Connection): Models => ({
  InboundEvent: db.model<InboundEvent>('InboundEvent'),
  Onboarding: db.model<OnboardingDoc>('Onboarding'),
});
