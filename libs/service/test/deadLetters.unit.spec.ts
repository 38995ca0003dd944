import { describe, expect, it } from 'vitest';
import mongoose from 'mongoose';
import { keysetPage } from '@lma/api';
import { checkQuery } from '@lma/store';
import { deadLetterQueries } from '../src';
import { registerDeadLetterModel } from '../src/deadLetters';

describe("the dead-letter ledger's declared queries", () => {
  it('cover the listing (first page and after a cursor) and the prune, with the index on the model', () => {
    const since = new Date();
    const first = keysetPage({ at: { $gte: since } }, 'at', -1, undefined).filter;
    const next = keysetPage({ at: { $gte: since } }, 'at', -1, Buffer.from(JSON.stringify([since.toISOString(), 'g|t|0|1'])).toString('base64url')).filter;
    expect(checkQuery(deadLetterQueries, 'dead_letters', first)).toBeNull();
    expect(checkQuery(deadLetterQueries, 'dead_letters', next)).toBeNull();
    expect(checkQuery(deadLetterQueries, 'dead_letters', { at: { $lt: since } })).toBeNull();
    expect(checkQuery(deadLetterQueries, 'dead_letters', { topic: 'marketplace.events' })).not.toBeNull();

    const conn = mongoose.createConnection();
    registerDeadLetterModel(conn);
    const model = conn.model('DeadLetterNote');
    expect(model.collection.collectionName).toBe('dead_letters');
    for (const q of deadLetterQueries) expect(model.schema.indexes().map((ix: unknown[]) => ix[0])).toContainEqual(q.index);
  });
});
