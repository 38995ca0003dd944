import { describe, expect, it } from 'vitest';
import mongoose from 'mongoose';
import { keysetPage } from '@lma/api';
import { checkQuery } from '@lma/store';
import { LEAD_QUERIES } from '../src/infra/queries';
import { models, registerModels } from '../src/infra/models';

const db = mongoose.createConnection();
registerModels(db);
const m = models(db);
const byCollection = new Map(Object.values(m).map((model) => [model.collection.collectionName, model]));
const same = (a: Record<string, unknown>, b: Record<string, unknown>) => JSON.stringify(a) === JSON.stringify(b);

/** The filters a list route builds: the first page, and a later one after a cursor (libs/api keyset pagination). */
const pages = (filter: Record<string, unknown>, sortField: string) => {
  const cursor = Buffer.from(JSON.stringify([sortField === '_id' ? 'x' : '2026-01-01T00:00:00.000Z', 'x'])).toString('base64url');
  return [keysetPage(filter, sortField, -1, undefined).filter, keysetPage(filter, sortField, -1, cursor).filter];
};

describe('declared queries of the lead service', () => {
  it('each has its index on its model (the _id index always exists)', () => {
    for (const q of LEAD_QUERIES) {
      const model = byCollection.get(q.collection);
      expect(model, q.collection).toBeDefined();
      const indexes = model!.schema.indexes().map((ix: unknown[]) => ix[0] as Record<string, unknown>);
      expect(same(q.index, { _id: 1 }) || indexes.some((keys: Record<string, unknown>) => same(keys, q.index)), `${q.collection} ${JSON.stringify(q.index)}`).toBe(true);
    }
  });

  it('cover every list page of the API, with and without filters, first page and after a cursor', () => {
    const lists: [string, Record<string, unknown>[], string][] = [
      ['leads', [{}, { leadSource: 'Package Installation' }, { leadSource: 'Package Installation', status: 'Open' }, { ownerId: 'lm' }, { packageId: 'p' }, { subscriberOrgId: 'o' }], 'createdAt'],
      ['contacts', [{}, { email: 'a@b.example' }, { accountId: 'account_1' }, { ownerId: 'lm' }], 'createdAt'],
      ['accounts', [{}, { ownerId: 'lm' }, { name: 'Engines' }], 'createdAt'],
      ['team_members', [{}, { active: false }, { active: false, roles: 'lead-manager' }], '_id'],
      ['audit_entries', [{ resourceType: 'lead', resourceId: 'lead_1' }], 'at'],
    ];
    for (const [collection, filters, sortField] of lists) {
      for (const filter of filters) for (const f of pages(filter, sortField)) expect(checkQuery(LEAD_QUERIES, collection, f), JSON.stringify(f)).toBeNull();
    }
  });

  it('refuse the lookups the key documents replaced', () => {
    expect(checkQuery(LEAD_QUERIES, 'leads', { openKey: 'ada@example.com|engines' })).not.toBeNull();
    expect(checkQuery(LEAD_QUERIES, 'licenses', { leadId: { $in: ['lead_1'] } })).not.toBeNull();
    expect(checkQuery(LEAD_QUERIES, 'team_members', { email: 'ada@vendor.example' })).not.toBeNull();
    expect(checkQuery(LEAD_QUERIES, 'licenses', {})).not.toBeNull();
  });
});
