import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestMongo, eventually, infraEnv, uniquePrefix } from '@lma/testing';

/**
 * The test database answers lookups by `_id` from an index, at any collection size. On FerretDB
 * 1.24 (SQLite) that index is the one the project's Go program adds (deploy/local/ferretdb/
 * idindex.go): without it every find, update and delete by `_id` scans the whole table.
 */
const infra = infraEnv();
const mongo = new TestMongo(infra.MONGODB_URI);
const dbName = `${uniquePrefix('database')}_idx`;

beforeAll(async () => {
  await mongo.connect();
});
afterAll(async () => {
  await mongo.db(dbName).dropDatabase();
  await mongo.close();
});

describe('test database', () => {
  it('looks a document up by _id through an index in a collection created while it runs', async () => {
    const db = mongo.db(dbName);
    const col = db.collection<{ _id: string; n: number }>('things');
    await col.insertMany(Array.from({ length: 2000 }, (_, n) => ({ _id: `thing-${n}`, n })));
    const build = (await db.admin().command({ buildInfo: 1 })) as { ferretdbVersion?: string };
    // a write first: a SQLite connection sees an index created by another one at its next read of
    // the database, which an EXPLAIN alone is not
    const plan = async () => {
      await col.updateOne({ _id: 'thing-0' }, { $inc: { n: 0 } });
      return JSON.stringify(await db.command({ explain: { find: 'things', filter: { _id: 'thing-1999' } } }));
    };
    if (build.ferretdbVersion) {
      // the SQLite plan of FerretDB's query: a search through the added index, not a scan
      const p = await eventually('the _id lookup index', async () => ((await plan()).includes('USING INDEX') ? plan() : undefined), 10_000, 200);
      expect(p).toMatch(/SEARCH things_\w+ USING INDEX "?lma_id_lookup:things_/);
      expect(p).not.toMatch(/SCAN things_/);
    } else {
      expect(await plan()).toMatch(/IDHACK|EXPRESS_IXSCAN|IXSCAN/);
    }
    expect(await col.findOne({ _id: 'thing-1999' })).toEqual({ _id: 'thing-1999', n: 1999 });
    await col.updateOne({ _id: 'thing-1999' }, { $set: { n: -1 } });
    expect((await col.findOne({ _id: 'thing-1999' }))?.n).toBe(-1);
  });
});
