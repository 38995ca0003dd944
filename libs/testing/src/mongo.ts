import { MongoClient, type Db } from 'mongodb';

/** Direct database access for assertions about what a service stored. */
export class TestMongo {
  private readonly client: MongoClient;
  constructor(uri: string) {
    this.client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  }
  async connect(): Promise<this> {
    await this.client.connect();
    return this;
  }
  db(name: string): Db {
    return this.client.db(name);
  }
  async dropDatabases(prefix: string): Promise<void> {
    const { databases } = await this.client.db().admin().listDatabases();
    for (const d of databases) if (d.name.startsWith(prefix)) await this.client.db(d.name).dropDatabase();
  }
  async close(): Promise<void> {
    await this.client.close();
  }
}
