import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { checkQuery } from '@lma/store/dist/queries';
import { registerModels } from '../src/infra/models';
import { gatewayQueries } from '../src/infra/queries';

describe('declared queries', () => {
  it("name the API keys' collection and an index it has (`_id`'s is MongoDB's own)", () => {
    const db = mongoose.createConnection();
    registerModels(db);
    const model = db.model('ApiKey');
    const indexes = [JSON.stringify({ _id: 1 }), ...model.schema.indexes().map(([keys]) => JSON.stringify(keys))];
    for (const q of gatewayQueries) {
      expect(q.collection).toBe(model.collection.collectionName);
      expect(indexes).toContain(JSON.stringify(q.index));
    }
  });

  it('cover the pages of keys and the revocation, nothing else', () => {
    expect(checkQuery(gatewayQueries, 'api_keys', { _id: { $gt: 'k1' } })).toBeNull();
    expect(checkQuery(gatewayQueries, 'api_keys', { _id: { $exists: true } })).toBeNull();
    expect(checkQuery(gatewayQueries, 'api_keys', { _id: 'k1', revokedAt: null })).toBeNull();
    expect(checkQuery(gatewayQueries, 'api_keys', { name: 'billing sync' })).toMatch(/undeclared/);
  });
});
