import type { Express, Request } from 'express';
import { keysetPage, licenseApi, mountRoute, pageFrom } from '@lma/api';
import type { Principal } from '@lma/core';
import { decideSeatByHand } from '../domain/seats';
import { ABSENT, seatDecision, settleSeats, writeLicense } from '../infra/licenseChanges';
import type { SeatAssignment } from '../infra/models';
import { existingLicense, licenseView, namedLicense, requireRead, traceOfHeaders } from './common';
import type { ApiDeps } from './deps';

type Action = 'assigned' | 'revoked';

/**
 * Assigns or revokes one user's seat by hand: the same path as the marketplace's
 * `user-license.changed` (domain/seats.ts: the count as usedLicenses in one revision-guarded
 * license write with its seats-used-changed event, then the user's seat record), decided on the
 * stored license, so concurrent requests on any replica never lose a count.
 */
async function changeSeat(deps: ApiDeps, licenseId: string, userId: string, action: Action, principal: Principal, reason: string | undefined, req: Request) {
  const now = deps.clock.now();
  const by = { changedBy: principal.subject, reason: reason ?? (action === 'assigned' ? `seat assigned to ${userId}` : `seat of ${userId} revoked`) };
  const w = await writeLicense(
    deps,
    licenseId,
    seatDecision(deps, userId, (l, stored) => {
      const s = decideSeatByHand(namedLicense(licenseId, l), stored, userId, action === 'assigned', now, by);
      return s.changed && s.decision ? s.decision : 'unchanged';
    }),
    { appliedId: null, now, trace: traceOfHeaders(req.headers) },
  );
  const license = namedLicense(licenseId, w.outcome === ABSENT ? null : w.license);
  return { userId, assigned: action === 'assigned', changed: w.outcome !== 'unchanged', license: licenseView(license) };
}

/** Seat holders, assign and revoke. */
export function mountSeats(app: Express, deps: ApiDeps): void {
  const m = deps.models;
  mountRoute(app, licenseApi.listSeats, async ({ params, query: q }) => {
    const l = await existingLicense(deps.data, params.licenseId);
    // the last seat change is written to its record after the license (usually landed already)
    await settleSeats(deps, l);
    // the holders of the current seat epoch: earlier ones were reset by an uninstall or reinstall
    // (records from before epochs were kept have none: the first epoch)
    const epoch = l.seatEpoch ? l.seatEpoch : { $in: [0, null] };
    const { filter, sort } = keysetPage({ licenseId: l._id, epoch, assigned: true }, '_id', 1, q.cursor);
    const docs = (await m.SeatAssignment.find(filter).sort(sort).limit(q.limit + 1).lean()) as SeatAssignment[];
    const page = pageFrom(docs, q.limit, () => null);
    return { items: page.items.map((s) => ({ userId: s.userId, assignedAt: s.changedAt.toISOString() })), nextCursor: page.nextCursor };
  });
  mountRoute(app, licenseApi.assignSeat, async ({ params, body, principal }, req) => {
    requireRead(principal);
    return await changeSeat(deps, params.licenseId, params.userId, 'assigned', principal, body?.reason, req);
  });
  mountRoute(app, licenseApi.revokeSeat, async ({ params, body, principal }, req) => {
    requireRead(principal);
    return await changeSeat(deps, params.licenseId, params.userId, 'revoked', principal, body?.reason, req);
  });
}
