import { MongoClient, type Db } from 'mongodb';

export type { Db };

/** Direct database access for assertions about what a service stored. */
export class TestMongo {
  private readonly client: MongoClient;
  /** `maxPoolSize`: connections this client may open (the driver's default, 100, when absent). */
  constructor(uri: string, opts: { maxPoolSize?: number } = {}) {
    this.client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000, ...opts });
  }
  async connect(): Promise<this> {
    await this.client.connect();
    return this;
  }
  db(name: string): Db {
    return this.client.db(name);
  }
  async close(): Promise<void> {
    await this.client.close();
  }
}
