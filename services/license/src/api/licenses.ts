import type { Express } from 'express';
import { decodeCursor, keysetPage, licenseApi, mountRoute, pageFrom } from '@lma/api';
import { ValidationError } from '@lma/core';
import { withCarriedEntry } from '../domain/audit';
import type { License } from '../domain/license';
import { decideModify } from '../domain/modify';
import { ABSENT, decideOn, writeLicense } from '../infra/licenseChanges';
import type { LicenseAudit } from '../infra/models';
import { existingLicense, licenseView, namedLicense, requireRead, traceOfHeaders } from './common';
import { today, type ApiDeps } from './deps';

const HIDDEN = { outbox: 0, _v: 0, appliedEventIds: 0, createdFor: 0, seatWrite: 0, lastAudit: 0 } as const;
type SortField = 'licenseName' | 'expiresOn' | 'installDate' | 'updatedAt';

/**
 * Keyset condition after a cursor on a field that may be null (expiresOn) or a Date (updatedAt):
 * MongoDB sorts null first ascending and last descending, and `$gt`/`$lt` never match null.
 */
function afterCursor(field: SortField, dir: 1 | -1, cursor: string): Record<string, unknown> {
  const c = decodeCursor(cursor);
  let v: unknown = c.sortValue;
  if (field === 'updatedAt') {
    if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) throw new ValidationError([{ field: 'query.cursor', reason: 'must be a cursor returned by a previous page' }]);
    v = new Date(v);
  }
  const idOp = dir === 1 ? '$gt' : '$lt';
  if (v === null) {
    return dir === 1 ? { $or: [{ [field]: { $ne: null } }, { [field]: null, _id: { $gt: c.id } }] } : { [field]: null, _id: { $lt: c.id } };
  }
  const beyond = dir === 1 ? { [field]: { $gt: v } } : { $or: [{ [field]: { $lt: v } }, { [field]: null }] };
  return { $or: [beyond, { [field]: v, _id: { [idOp]: c.id } }] };
}

const sortValue = (l: License, field: SortField): string | null => {
  const v = l[field];
  return v instanceof Date ? v.toISOString() : (v ?? null);
};

/** GET/PATCH /licenses..., the license audit. */
export function mountLicenses(app: Express, deps: ApiDeps): void {
  const m = deps.models;

  mountRoute(app, licenseApi.listLicenses, async ({ query: q }) => {
    const filter: Record<string, unknown> = { licenseName: { $ne: null }, deletedAt: null };
    for (const k of ['packageId', 'packageVersionId', 'status', 'subscriberOrgId', 'leadId', 'accountId', 'contactId', 'sandbox'] as const) {
      if (q[k] !== undefined) filter[k] = q[k];
    }
    if (q.expiringBefore) filter['expiresOn'] = { $ne: null, $lt: q.expiringBefore };
    const dir = q.order === 'asc' ? 1 : -1;
    const where = q.cursor ? { $and: [filter, afterCursor(q.sort, dir, q.cursor)] } : filter;
    const docs = (await m.License.find(where, HIDDEN)
      .sort({ [q.sort]: dir, _id: dir })
      .limit(q.limit + 1)
      .lean()) as License[];
    const page = pageFrom(docs, q.limit, (l) => sortValue(l, q.sort));
    return { items: page.items.map(licenseView), nextCursor: page.nextCursor };
  });

  mountRoute(app, licenseApi.getLicense, async ({ params }) => licenseView(await existingLicense(deps.data, params.licenseId)));

  mountRoute(app, licenseApi.modifyLicense, async ({ params, body, principal, precondition }, req) => {
    requireRead(principal);
    const now = deps.clock.now();
    const w = await writeLicense(
      deps,
      params.licenseId,
      decideOn((l) => {
        precondition(namedLicense(params.licenseId, l).revision);
        return decideModify(l, body, today(deps.clock), principal.subject);
      }),
      { appliedId: null, now, trace: traceOfHeaders(req.headers) },
    );
    return licenseView(namedLicense(params.licenseId, w.outcome === ABSENT ? null : w.license));
  });

  mountRoute(app, licenseApi.listLicenseAudit, async ({ params, query: q }) => {
    const l = await existingLicense(deps.data, params.licenseId);
    const { filter, sort } = keysetPage({ licenseId: l._id, revision: { $lte: l.revision } }, 'revision', -1, q.cursor);
    const stored = (await m.LicenseAudit.find(filter).sort(sort).limit(q.limit + 1).lean()) as LicenseAudit[];
    // the entry of the latest change, written with the license, may not be copied yet (a crash)
    const docs = withCarriedEntry(stored, l.lastAudit, !q.cursor);
    const page = pageFrom(docs, q.limit, (e) => e.revision);
    return {
      items: page.items.map(({ _id, licenseId: _l, at, ...e }) => ({ entryId: _id, ...e, at: at.toISOString() })),
      nextCursor: page.nextCursor,
    };
  });
}
