import mongoose, { type Connection } from 'mongoose';
import type { Logger } from './logger';
import { redactUri } from './logger';

/** One connection per service, to the service's own database. */
export async function connectMongo(uri: string, dbName: string, logger: Logger): Promise<Connection> {
  const conn = mongoose.createConnection(uri, {
    dbName,
    autoIndex: false,
    autoCreate: false,
    serverSelectionTimeoutMS: 10_000,
    maxPoolSize: 50,
  });
  conn.on('disconnected', () => logger.warn('database disconnected'));
  conn.on('reconnected', () => logger.info('database reconnected'));
  await conn.asPromise();
  logger.info({ db: dbName, uri: redactUri(uri) }, 'database connected');
  return conn;
}

/** Creates the indexes every model declares; queries rely on them (no collection scans). */
export async function ensureIndexes(conn: Connection): Promise<void> {
  for (const model of Object.values(conn.models)) {
    await model.createCollection().catch((err: { code?: number }) => {
      if (err.code !== 48) throw err; // 48: already exists
    });
    await model.createIndexes();
  }
}

export async function pingMongo(conn: Connection): Promise<boolean> {
  if (conn.readyState !== 1 || !conn.db) return false;
  await conn.db.admin().command({ ping: 1 });
  return true;
}

const atomicConditions = new WeakMap<object, Promise<boolean>>();

/**
 * Does this database apply a single-document condition atomically, with its `_id` index? MongoDB
 * does. FerretDB 1.24 (the test database) pushes down only an exact `{ _id }` filter: any other
 * filter decodes every document of the collection, and the condition is then applied as read,
 * compare, write, not atomically. Asked once per connection.
 */
export function hasAtomicConditions(conn: Connection): Promise<boolean> {
  let known = atomicConditions.get(conn);
  if (!known) {
    known = (async () => {
      const info = await conn.db!.admin().command({ buildInfo: 1 });
      return !('ferretdbVersion' in info);
    })();
    known.catch(() => atomicConditions.delete(conn));
    atomicConditions.set(conn, known);
  }
  return known;
}

type Condition = string | number | boolean | null | { $in: readonly (string | number | boolean | null)[] };

/** Whether a stored document meets equality (or `$in`) conditions the way MongoDB compares them. */
export function meetsConditions(doc: Record<string, unknown>, conditions: Record<string, Condition>): boolean {
  return Object.entries(conditions).every(([k, want]) => {
    const have = doc[k] ?? null;
    if (want !== null && typeof want === 'object') return want.$in.includes(have as never);
    return have === want;
  });
}

interface ConditionalModel {
  db: Connection;
  findById(id: string, projection: Record<string, 1>): { lean(): PromiseLike<unknown> };
  updateOne(filter: Record<string, unknown>, update: Record<string, unknown>): PromiseLike<{ matchedCount: number }>;
}

/**
 * Updates the document `_id` if it meets `conditions` (equality or `$in` on top-level fields);
 * returns whether it did. On MongoDB: one atomic `updateOne({ _id, ...conditions })`. On
 * FerretDB: the document's condition fields are read by `_id`, compared here, and the update is
 * written by `_id`: the steps FerretDB itself would take, at index speed instead of a scan of the
 * collection. Call it under the document's lock (DocumentLocks), which is what makes the read and
 * write one step there.
 */
export async function updateOneIf(
  model: ConditionalModel,
  id: string,
  conditions: Record<string, Condition>,
  update: Record<string, unknown>,
): Promise<boolean> {
  if (await hasAtomicConditions(model.db)) return (await model.updateOne({ _id: id, ...conditions }, update)).matchedCount > 0;
  const projection = Object.fromEntries(Object.keys(conditions).map((k) => [k, 1 as const]));
  const doc = (await model.findById(id, projection).lean()) as Record<string, unknown> | null;
  if (!doc || !meetsConditions(doc, conditions)) return false;
  return (await model.updateOne({ _id: id }, update)).matchedCount > 0;
}
