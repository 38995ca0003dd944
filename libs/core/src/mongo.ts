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
