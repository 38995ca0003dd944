/**
 * Key documents (docs/architecture.md, "Cost that does not grow with history"): where a rule
 * looks something up by a value other than an id (an open lead by email and company, a contact
 * by email, a team member by email, the licenses of a lead), a document whose `_id` is that value
 * names the aggregates. It is written before the aggregate it points at, and whoever reads it
 * checks it against that aggregate: a key that points at something that no longer matches is
 * stale.
 */

/** A value at most one aggregate holds at a time (an open lead's email and company, a team member's email). */
export interface HeldKey {
  _id: string;
  /** The id of the aggregate holding the value; null once it let it go. */
  holder: string | null;
}

/**
 * The key taken by `claim.holder`, or null when someone else holds it. A key is free when nobody
 * holds it, or when its holder is `staleHolder`: the caller found that this holder no longer
 * matches the value (withdrawn, converted, renamed, never written). A holder found stale before
 * another writer took the key is not stale any more: the key is then held (the claim loses).
 */
export function claimHeldKey<K extends HeldKey>(current: K | null, claim: K, staleHolder: string | null): K | null {
  const free = current === null || current.holder === null || (staleHolder !== null && current.holder === staleHolder);
  return free ? claim : null;
}

/** The key let go by `holder`; null when it is not theirs (any more) and nothing is to be written. */
export function releaseHeldKey(current: HeldKey | null, holder: string): HeldKey | null {
  return current !== null && current.holder === holder ? { _id: current._id, holder: null } : null;
}

/** A value several aggregates share (the contacts with one email, the licenses linked to one lead, account or contact). */
export interface KeySet {
  _id: string;
  ids: string[];
}

/** The set with `member` added; null when it is listed already. */
export function withMember(current: KeySet | null, id: string, member: string): KeySet | null {
  if (current?.ids.includes(member)) return null;
  return { _id: id, ids: [...(current?.ids ?? []), member] };
}

/** The set without `member`; null when it is not listed. */
export function withoutMember(current: KeySet | null, member: string): KeySet | null {
  if (!current?.ids.includes(member)) return null;
  return { _id: current._id, ids: current.ids.filter((m) => m !== member) };
}
