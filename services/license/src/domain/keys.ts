/**
 * Key documents (docs/architecture.md, "Cost that does not grow with history"): the licenses of
 * a subscriber org (an org change applies to each) and of a lead (a conversion links each) are
 * found by one `_id` read of a document listing them, not by a query on the licenses. A license
 * is added to them before it is inserted; whoever reads them checks each license it names (one
 * that does not exist, or belongs to another lead, is skipped).
 */
export interface KeySet {
  _id: string;
  ids: string[];
}

export const orgLicensesKey = (subscriberOrgId: string): string => `subscriberOrgId:${subscriberOrgId}`;
export const leadLicensesKey = (leadId: string): string => `leadId:${leadId}`;

/** The set with `member` added; null when it is listed already. */
export function withMember(current: KeySet | null, id: string, member: string): KeySet | null {
  if (current?.ids.includes(member)) return null;
  return { _id: id, ids: [...(current?.ids ?? []), member] };
}
