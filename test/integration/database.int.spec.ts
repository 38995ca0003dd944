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
  it('keeps answering a burst of batched writes from many connections at once (no database runs out of SQLite connections)', async () => {
    // 60 connections, each sending bulk writes of four upserts and an insert without pause: on
    // FerretDB 1.24 alone each statement of an update holds a SQLite connection until its command
    // ends, and such a burst holds all 100 of a database and hangs it for good; the Go program's
    // gate (deploy/local/ferretdb/limit.go) admits only what fits
    const client = await new TestMongo(infra.MONGODB_URI, { maxPoolSize: 60 }).connect();
    try {
      const col = client.db(dbName).collection<{ _id: string; n: number; pad?: string }>('burst');
      const pad = 'x'.repeat(2_000);
      const until = Date.now() + 4_000;
      let rounds = 0;
      const worker = async (w: number) => {
        for (let r = 0; Date.now() < until; r++) {
          await col.bulkWrite([0, 1, 2, 3].map((k) => ({ replaceOne: { filter: { _id: `d${w}-${k}` }, replacement: { n: r, pad }, upsert: true } })), { ordered: false });
          await col.insertOne({ _id: `w${w}-r${r}`, n: r });
          rounds++;
        }
      };
      const finished = Promise.all(Array.from({ length: 60 }, (_, w) => worker(w)));
      const hung = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 60_000).unref());
      expect(await Promise.race([finished.then(() => 'answered' as const), hung])).toBe('answered');
      expect(await col.countDocuments({ _id: { $regex: '^w' } })).toBe(rounds);
    } finally {
      await client.close();
    }
  }, 90_000);
});
