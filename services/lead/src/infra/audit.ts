import type { AuditEntry } from '../domain/audit';
import type { Models } from './models';

/**
 * Writes an audit entry just before the change it describes. The id is deterministic, so a
 * retried or repeated change overwrites an entry whose change never happened.
 */
export async function recordAudit(models: Models, entry: AuditEntry): Promise<void> {
  await models.AuditEntry.replaceOne({ _id: entry._id }, entry, { upsert: true });
}
