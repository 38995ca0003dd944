import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { checkQuery } from '@lma/store';
import { registerModels } from '../src/infra/models';
import { notificationQueries } from '../src/infra/queries';

describe('declared queries', () => {
  const db = mongoose.createConnection();
  registerModels(db);
  const modelOf = (collection: string) => Object.values(db.models).find((m) => m.collection.collectionName === collection);

  it('name a collection of the service and an index its model declares', () => {
    for (const q of notificationQueries) {
      const model = modelOf(q.collection);
      expect(model, q.collection).toBeDefined();
      const indexes = model!.schema.indexes().map(([keys]) => JSON.stringify(keys));
      expect(indexes, `${q.collection} ${JSON.stringify(q.index)}`).toContain(JSON.stringify(q.index));
      expect(q.bound.length).toBeGreaterThan(20);
    }
  });

  it('cover the periodic reads and refuse a read of the history by another field', () => {
    const now = new Date();
    expect(checkQuery(notificationQueries, 'pending_deliveries', { nextAttemptAt: { $lte: now } })).toBeNull();
    expect(checkQuery(notificationQueries, 'parked_onboardings', { parkedSince: { $lte: now } })).toBeNull();
    expect(checkQuery(notificationQueries, 'rules', { kind: 'license-expiring', enabled: true })).toBeNull();
    expect(checkQuery(notificationQueries, 'team_members', { roles: { $in: ['admin'] }, active: true })).toBeNull();
    expect(checkQuery(notificationQueries, 'expiry_calendar', { _id: '2026-03-01#3' })).toBeNull();
    expect(checkQuery(notificationQueries, 'notifications', { status: 'pending', nextAttemptAt: { $lte: now } })).toMatch(/undeclared/);
    expect(checkQuery(notificationQueries, 'licenses', { expiresOn: { $gte: '2026-03-01' }, _id: { $gt: 'x' } })).toMatch(/undeclared/);
  });
});
