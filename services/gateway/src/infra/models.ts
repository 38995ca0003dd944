import { Schema, type Connection, type Model } from 'mongoose';

export interface ApiKeyState {
  name: string;
  permissions: string[];
  revokedAt: Date | null;
}

/** One change to a key, kept in the key's own document so a change and its audit are one write. */
export interface ApiKeyAudit {
  action: 'created' | 'revoked';
  actor: string;
  at: Date;
  before: ApiKeyState | null;
  after: ApiKeyState;
}

export interface ApiKeyDoc {
  /** The key id (public part of the key). */
  _id: string;
  name: string;
  permissions: string[];
  /** SHA-256 of the secret, hex. */
  secretHash: string;
  createdAt: Date;
  createdBy: string;
  revokedAt: Date | null;
  revokedBy: string | null;
  history: ApiKeyAudit[];
}

// lookups and pages are by `_id` only: no secondary index is needed
const ApiKeySchema = new Schema<ApiKeyDoc>(
  {
    _id: String,
    name: String,
    permissions: [String],
    secretHash: String,
    createdAt: Date,
    createdBy: String,
    revokedAt: Date,
    revokedBy: String,
    history: [Schema.Types.Mixed],
  },
  { versionKey: false, collection: 'api_keys' },
);

export interface Models {
  ApiKey: Model<ApiKeyDoc>;
}

export function registerModels(db: Connection): void {
  db.model('ApiKey', ApiKeySchema);
}

export const models = (db: Connection): Models => ({ ApiKey: db.model<ApiKeyDoc>('ApiKey') });
