import { LicenseEventType, LicenseV1, parseData, type CloudEvent } from '@lma/contracts';
import type { Clock } from '@lma/core';
import { isNewer, licenseCopy, linkChanges, type LicenseCopy } from '../domain/licenses';
import type { LeadData } from '../infra/aggregates';
import { addMember, removeMember } from '../infra/keys';

export interface LicenseEventDeps {
  data: LeadData;
  clock: Clock;
}

/**
 * `lma.license.events` -> the lead service's copy of each license, and the links that list the
 * licenses of each lead, account and contact (read by `_id`). Every event carries the whole
 * license, so the copy is replaced by any newer revision; repeats and stale redeliveries are
 * dropped by revision (idempotent without an inbox). The copy is listed under its owners before it
 * is written and taken off the owners it left after (domain/licenses.ts linkChanges).
 */
export function onLicenseEvent(deps: LicenseEventDeps) {
  return async (event: CloudEvent<unknown>): Promise<void> => {
    const license = parseData(LicenseV1, event.data);
    const links = deps.data.licenseLinks;
    const current = await deps.data.licenses.get(license.licenseId);
    if (!isNewer(current, license)) return;
    const copy = licenseCopy(license, event.type === LicenseEventType.Deleted, deps.clock.now());
    await Promise.all(linkChanges(current, copy).add.map((id) => addMember(links, id, copy._id)));
    const written = await deps.data.licenses.update<LicenseCopy | null>(copy._id, (previous) => (isNewer(previous, license) ? { state: copy, result: previous } : null));
    if (!written.written) return;
    await Promise.all(linkChanges(written.result ?? null, copy).remove.map((id) => removeMember(links, id, copy._id)));
  };
}
