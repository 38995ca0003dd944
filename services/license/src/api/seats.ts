import type { Express, Request } from 'express';
import { keysetPage, licenseApi, mountRoute, pageFrom } from '@lma/api';
import { ConflictError, type Principal } from '@lma/core';
import type { License } from '../domain/license';
import { assertModifiable, decideSeatsUsed } from '../domain/lifecycle';
import { recordSeat, writeDecision } from '../infra/licenseChanges';
import type { SeatAssignment } from '../infra/models';
import { existingLicense, licenseView, requireRead, traceOfHeaders, withRetry } from './common';
import type { ApiDeps } from './deps';

type Action = 'assigned' | 'revoked';

/**
 * Assigns or revokes one user's seat by hand: the same path as the marketplace's
 * `user-license.changed` (a seat_assignments record, then the exact count of holders as
 * usedLicenses in one revision-guarded license write with its seats-used-changed event), under
 * the license's lock, so concurrent requests on a replica never lose a count.
 */
async function changeSeat(deps: ApiDeps, licenseId: string, userId: string, action: Action, principal: Principal, reason: string | undefined, req: Request) {
  const m = deps.models;
  return await withRetry(() =>
    deps.locks.run(licenseId, async () => {
      const l = await existingLicense(m, licenseId);
      assertModifiable(l);
      const current = await m.SeatAssignment.findById(`${licenseId}:${userId}`).lean();
      const has = current?.assigned === true;
      if (has === (action === 'assigned')) return { userId, assigned: has, changed: false, license: licenseView(l) };
      const used = l.usedLicenses ?? 0;
      if (action === 'assigned' && l.seats !== null && used >= l.seats) {
        throw new ConflictError(`All ${l.seats} seats of license ${l.licenseName} are taken (${used} in use): revoke a seat or raise the seats first`, {
          seats: l.seats,
          usedLicenses: used,
        });
      }
      const now = deps.clock.now();
      // after the recorded change of this user, whatever its time (a marketplace change may carry a later one)
      const changedAt = current && current.changedAt.getTime() >= now.getTime() ? new Date(current.changedAt.getTime() + 1) : now;
      const count = await recordSeat(m, licenseId, { userId, action, changedAt: changedAt.toISOString() });
      const by = { changedBy: principal.subject, reason: reason ?? (action === 'assigned' ? `seat assigned to ${userId}` : `seat of ${userId} revoked`) };
      const d = decideSeatsUsed(l, count, by);
      const next: License = d ? await writeDecision(m, l, d, null, now, traceOfHeaders(req.headers)) : l;
      return { userId, assigned: action === 'assigned', changed: true, license: licenseView(next) };
    }),
  );
}

/** Seat holders, assign and revoke. */
export function mountSeats(app: Express, deps: ApiDeps): void {
  const m = deps.models;
  mountRoute(app, licenseApi.listSeats, async ({ params, query: q }) => {
    const l = await existingLicense(m, params.licenseId);
    const { filter, sort } = keysetPage({ licenseId: l._id, assigned: true }, '_id', 1, q.cursor);
    const docs = (await m.SeatAssignment.find(filter).sort(sort).limit(q.limit + 1).lean()) as SeatAssignment[];
    const page = pageFrom(docs, q.limit, () => null);
    return { items: page.items.map((s) => ({ userId: s.userId, assignedAt: s.changedAt.toISOString() })), nextCursor: page.nextCursor };
  });
  mountRoute(app, licenseApi.assignSeat, async ({ params, body, principal }, req) => {
    requireRead(principal);
    const r = await changeSeat(deps, params.licenseId, params.userId, 'assigned', principal, body?.reason, req);
    deps.kick();
    return r;
  });
  mountRoute(app, licenseApi.revokeSeat, async ({ params, body, principal }, req) => {
    requireRead(principal);
    const r = await changeSeat(deps, params.licenseId, params.userId, 'revoked', principal, body?.reason, req);
    deps.kick();
    return r;
  });
}
