import { groupLicenses, licenseLinksId, type LicenseCopy, type LicenseOwnerField, type LicenseSummary } from '../domain/licenses';
import type { LeadData } from '../infra/aggregates';

/**
 * The licenses linked to each of these leads, accounts or contacts: each one's link document, then
 * each listed license, all by `_id`. A listed license that is deleted or linked elsewhere by now is
 * left out (grouped by its own fields).
 */
export async function licensesOf(data: Pick<LeadData, 'licenseLinks' | 'licenses'>, field: LicenseOwnerField, ids: string[]): Promise<(id: string) => LicenseSummary[]> {
  if (ids.length === 0) return () => [];
  const links = await Promise.all(ids.map((id) => data.licenseLinks.get(licenseLinksId(field, id))));
  const licenseIds = [...new Set(links.flatMap((l) => l?.ids ?? []))];
  const copies = (await Promise.all(licenseIds.map((id) => data.licenses.get(id)))).filter((c): c is LicenseCopy => c !== null);
  const byOwner = groupLicenses(copies, (l) => l[field]);
  return (id) => byOwner.get(id) ?? [];
}
