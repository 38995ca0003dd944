import { describe, expect, it } from 'vitest';
import mongoose from 'mongoose';
import { checkQuery } from '@lma/store';
import { models, registerModels } from '../src/infra/models';
import { installIntakeQueries } from '../src/infra/queries';

const conn = mongoose.createConnection();
registerModels(conn);
const all = Object.values(models(conn));

describe('declared queries', () => {
  it.each(installIntakeQueries.map((q) => [q.collection, q.fields.join(', '), q] as const))('%s {%s}: its index is declared on the model of its collection', (_c, _f, q) => {
    const model = all.find((m) => m.collection.collectionName === q.collection);
    expect(model, `a model for ${q.collection}`).toBeDefined();
    expect(model!.schema.indexes().map((ix: unknown[]) => ix[0])).toContainEqual(q.index);
  });

  it('covers what the sweeper, the resume triggers and the counts ask of the timers, and nothing of the sagas but by _id', () => {
    const now = new Date();
    expect(checkQuery(installIntakeQueries, 'saga_timers', { dueAt: { $lte: now } })).toBeNull();
    expect(checkQuery(installIntakeQueries, 'saga_timers', { state: 'parked', packageId: 'p', parkedReason: { $in: ['package-not-registered'] } })).toBeNull();
    expect(checkQuery(installIntakeQueries, 'saga_timers', { state: 'parked', parkedReason: 'lead-manager-inactive' })).toBeNull();
    expect(checkQuery(installIntakeQueries, 'onboardings', { packageId: 'p', subscriberOrgId: 'o' })).not.toBeNull();
    expect(checkQuery(installIntakeQueries, 'onboardings', { _id: 'onb:1' })).toBeNull();
  });

  it('covers the attention list: a page of both states or one, after a cursor, and the prune of failed ones', () => {
    const since = new Date();
    expect(checkQuery(installIntakeQueries, 'onboarding_attention', {})).toBeNull();
    expect(checkQuery(installIntakeQueries, 'onboarding_attention', { $or: [{ since: { $lt: since } }, { since, _id: { $lt: 'onb:1' } }] })).toBeNull();
    expect(checkQuery(installIntakeQueries, 'onboarding_attention', { state: 'parked' })).toBeNull();
    expect(checkQuery(installIntakeQueries, 'onboarding_attention', { $and: [{ state: 'failed' }, { $or: [] }] })).toBeNull();
    expect(checkQuery(installIntakeQueries, 'onboarding_attention', { state: 'failed', since: { $lt: since } })).toBeNull();
    expect(checkQuery(installIntakeQueries, 'onboarding_attention', { packageId: 'p' })).not.toBeNull();
  });
});
