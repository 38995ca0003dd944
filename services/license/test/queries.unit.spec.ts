import { describe, expect, it } from 'vitest';
import mongoose from 'mongoose';
import { keysetPage } from '@lma/api';
import { checkQuery } from '@lma/store';
import { licenseQueries } from '../src/infra/queries';
import { models, registerModels } from '../src/infra/models';
import { reconcileModels, registerReconcileModels } from '../src/infra/reconcileModels';

const db = mongoose.createConnection();
registerModels(db);
registerReconcileModels(db);
const byCollection = new Map([...Object.values(models(db)), ...Object.values(reconcileModels(db))].map((model) => [model.collection.collectionName, model]));
const same = (a: Record<string, unknown>, b: Record<string, unknown>) => JSON.stringify(a) === JSON.stringify(b);
const cursor = (sortValue: unknown) => Buffer.from(JSON.stringify([sortValue, 'x'])).toString('base64url');
/** The filters a list route builds: the first page and one after a cursor (libs/api keyset pagination). */
const pages = (filter: Record<string, unknown>, sortField: string, dir: 1 | -1, sortValue: unknown = 'x') => [
  keysetPage(filter, sortField, dir, undefined).filter,
  keysetPage(filter, sortField, dir, cursor(sortValue)).filter,
];

describe('declared queries of the license service', () => {
  it("each has its index on its model (`_id`'s is MongoDB's own)", () => {
    for (const q of licenseQueries) {
      const model = byCollection.get(q.collection);
      expect(model, q.collection).toBeDefined();
      const indexes = model!.schema.indexes().map((ix: unknown[]) => ix[0] as Record<string, unknown>);
      expect(same(q.index, { _id: 1 }) || indexes.some((keys: Record<string, unknown>) => same(keys, q.index)), `${q.collection} ${JSON.stringify(q.index)}`).toBe(true);
    }
  });

  it('cover the list pages of the API, first page and after a cursor, the refresh pass and the republish pass', () => {
    const listed = { licenseName: { $ne: null }, deletedAt: null };
    for (const extra of [{}, { packageId: 'p', status: 'Active' }, { subscriberOrgId: 'o' }, { leadId: 'l', sandbox: true }, { expiresOn: { $ne: null, $lt: '2026-01-01' } }]) {
      const filter = { ...listed, ...extra };
      expect(checkQuery(licenseQueries, 'licenses', filter)).toBeNull();
      expect(checkQuery(licenseQueries, 'licenses', { $and: [filter, { $or: [] }] })).toBeNull();
    }
    for (const f of pages({ licenseId: 'lic', revision: { $lte: 3 } }, 'revision', -1, 3)) expect(checkQuery(licenseQueries, 'license_audit', f)).toBeNull();
    for (const f of pages({ licenseId: 'lic', epoch: 0, assigned: true }, '_id', 1)) expect(checkQuery(licenseQueries, 'seat_assignments', f)).toBeNull();
    for (const f of pages({}, 'packageName', 1)) expect(checkQuery(licenseQueries, 'packages', f)).toBeNull();
    for (const f of pages({ packageId: 'p' }, 'releasedAt', -1)) expect(checkQuery(licenseQueries, 'package_versions', f)).toBeNull();
    expect(checkQuery(licenseQueries, 'licenses', { packageId: 'p' })).toBeNull();
    expect(checkQuery(licenseQueries, 'licenses', {})).toBeNull();
    expect(checkQuery(licenseQueries, 'refresh_reconciled_pages', { jobId: 'j' })).toBeNull();
  });

  it('refuse the lookups that key documents and counters replaced', () => {
    expect(checkQuery(licenseQueries, 'licenses', { subscriberOrgId: 'o', _id: { $in: [] } })).not.toBeNull();
    expect(checkQuery(licenseQueries, 'seat_assignments', { licenseId: 'lic', assigned: true, userId: 'u' })).not.toBeNull();
    expect(checkQuery(licenseQueries, 'pending_changes', { licenseId: 'lic' })).not.toBeNull();
    expect(checkQuery(licenseQueries, 'license_numbers', {})).not.toBeNull();
    expect(checkQuery(licenseQueries, 'license_numbers', { licenseId: 'lic' })).not.toBeNull();
    expect(checkQuery(licenseQueries, 'package_versions', { packageId: 'p', beta: false })).not.toBeNull();
  });
});
