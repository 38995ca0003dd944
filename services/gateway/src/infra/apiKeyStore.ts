import { keysetPage, pageFrom } from '@lma/api';
import { NotFoundError, isDuplicateKey, type Clock, type Principal } from '@lma/core';
import { hashSecret, newApiKey } from '../domain/apiKeys';
import type { ApiKeyAudit, ApiKeyDoc, ApiKeyState, Models } from './models';

/** What the authentication path needs of a key, cached per replica for `cacheTtlMs`. */
export interface CachedApiKey {
  keyId: string;
  secretHash: Buffer;
  revoked: boolean;
  principal: Principal;
}

export interface ApiKeyView {
  keyId: string;
  name: string;
  permissions: string[];
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  revokedBy: string | null;
}

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);
const view = (d: ApiKeyDoc): ApiKeyView => ({
  keyId: d._id,
  name: d.name,
  permissions: d.permissions,
  createdAt: iso(d.createdAt)!,
  createdBy: d.createdBy,
  revokedAt: iso(d.revokedAt),
  revokedBy: d.revokedBy ?? null,
});
const stateOf = (d: Pick<ApiKeyDoc, 'name' | 'permissions' | 'revokedAt'>): ApiKeyState => ({ name: d.name, permissions: d.permissions, revokedAt: d.revokedAt ?? null });
const auditView = (a: ApiKeyAudit) => ({
  ...a,
  at: iso(a.at)!,
  before: a.before ? { ...a.before, revokedAt: iso(a.before.revokedAt) } : null,
  after: { ...a.after, revokedAt: iso(a.after.revokedAt) },
});
const NO_SECRET = { secretHash: 0, history: 0 } as const;

/** Unknown key ids are remembered briefly too, so random keys cannot make every request a read. */
const MISS_TTL_MS = 1_000;
const MAX_CACHED = 50_000;

export function createApiKeyStore(deps: { models: Models; clock: Clock; cacheTtlMs: number }) {
  const { ApiKey } = deps.models;
  const cache = new Map<string, { value: CachedApiKey | null; until: number }>();
  const loading = new Map<string, Promise<CachedApiKey | null>>();
  /** Bumped by a change on this replica, so a read that started before it is not cached. */
  const epochs = new Map<string, number>();
  const invalidate = (keyId: string) => {
    epochs.set(keyId, (epochs.get(keyId) ?? 0) + 1);
    cache.delete(keyId);
    loading.delete(keyId);
  };

  async function load(keyId: string): Promise<CachedApiKey | null> {
    const epoch = epochs.get(keyId) ?? 0;
    const d = await ApiKey.findById(keyId, { secretHash: 1, permissions: 1, revokedAt: 1 }).lean();
    const value = d
      ? { keyId, secretHash: Buffer.from(d.secretHash, 'hex'), revoked: !!d.revokedAt, principal: { subject: `apikey:${keyId}`, permissions: new Set(d.permissions) } }
      : null;
    if ((epochs.get(keyId) ?? 0) !== epoch) return value;
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(keyId, { value, until: Date.now() + (value ? deps.cacheTtlMs : Math.min(MISS_TTL_MS, deps.cacheTtlMs)) });
    return value;
  }

  return {
    /** The key for authentication: from the cache while fresh, else one `_id` read (shared by concurrent callers). */
    lookup(keyId: string): Promise<CachedApiKey | null> {
      const hit = cache.get(keyId);
      if (hit && hit.until > Date.now()) return Promise.resolve(hit.value);
      let p = loading.get(keyId);
      if (!p) {
        const loaded = load(keyId).finally(() => {
          if (loading.get(keyId) === loaded) loading.delete(keyId);
        });
        loading.set(keyId, (p = loaded));
      }
      return p;
    },

    async create(input: { name: string; permissions: string[] }, actor: string): Promise<ApiKeyView & { key: string }> {
      for (;;) {
        const { keyId, secret, key } = newApiKey();
        const now = deps.clock.now();
        const doc: ApiKeyDoc = {
          _id: keyId,
          name: input.name,
          permissions: input.permissions,
          secretHash: hashSecret(secret).toString('hex'),
          createdAt: now,
          createdBy: actor,
          revokedAt: null,
          revokedBy: null,
          history: [],
        };
        doc.history.push({ action: 'created', actor, at: now, before: null, after: stateOf(doc) });
        try {
          await ApiKey.create(doc);
        } catch (err) {
          if (isDuplicateKey(err)) continue; // a 64-bit id collision: draw another
          throw err;
        }
        invalidate(keyId);
        return { ...view(doc), key };
      }
    },

    async list(limit: number, cursor: string | undefined) {
      const { filter, sort } = keysetPage({}, '_id', 1, cursor);
      // a page of the keys by `_id` (queries.ts); the first one from the first key
      const docs = await ApiKey.find(cursor ? filter : { _id: { $exists: true } }, NO_SECRET).sort(sort).limit(limit + 1).lean();
      const page = pageFrom(docs, limit, (d) => d._id);
      return { items: page.items.map(view), nextCursor: page.nextCursor };
    },

    async get(keyId: string): Promise<ApiKeyView> {
      const d = await ApiKey.findById(keyId, NO_SECRET).lean();
      if (!d) throw new NotFoundError(`API key ${keyId}`);
      return view(d);
    },

    async audit(keyId: string) {
      const d = await ApiKey.findById(keyId, { history: 1 }).lean();
      if (!d) throw new NotFoundError(`API key ${keyId}`);
      return { items: d.history.map(auditView) };
    },

    /** Idempotent; this replica refuses the key from now on, others when their cache entry expires. */
    async revoke(keyId: string, actor: string): Promise<ApiKeyView> {
      const d = await ApiKey.findById(keyId, NO_SECRET).lean();
      if (!d) throw new NotFoundError(`API key ${keyId}`);
      if (!d.revokedAt) {
        const now = deps.clock.now();
        const entry: ApiKeyAudit = { action: 'revoked', actor, at: now, before: stateOf(d), after: stateOf({ ...d, revokedAt: now }) };
        await ApiKey.updateOne({ _id: keyId, revokedAt: null }, { $set: { revokedAt: now, revokedBy: actor }, $push: { history: entry } });
      }
      invalidate(keyId);
      return await this.get(keyId);
    },
  };
}
export type ApiKeyStore = ReturnType<typeof createApiKeyStore>;
