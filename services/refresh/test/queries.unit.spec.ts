import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { checkQuery } from '@lma/store';
import { registerModels } from '../src/infra/models';
import { refreshQueries } from '../src/infra/queries';

describe('declared queries', () => {
  const db = mongoose.createConnection();
  registerModels(db);

  it('name a collection of the service and an index its model declares', () => {
    for (const q of refreshQueries) {
      const model = Object.values(db.models).find((m) => m.collection.collectionName === q.collection);
      expect(model, q.collection).toBeDefined();
      expect(model!.schema.indexes().map(([keys]) => JSON.stringify(keys))).toContain(JSON.stringify(q.index));
    }
  });

  it('cover the sweep of the jobs in flight and nothing that reads the history of jobs', () => {
    expect(checkQuery(refreshQueries, 'refresh_jobs_in_flight', { since: { $lt: new Date() } })).toBeNull();
    expect(checkQuery(refreshQueries, 'refresh_jobs', { state: { $in: ['running'] }, lastProgressAt: { $lt: new Date() } })).toMatch(/undeclared/);
    expect(checkQuery(refreshQueries, 'refresh_pages', { jobId: 'rj_p_1' })).toMatch(/undeclared/);
  });
});
