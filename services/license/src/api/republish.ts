import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import { licenseApi, mountRoute } from '@lma/api';
import { NotFoundError, type Clock } from '@lma/core';
import { newRepublishRequest, republishCommandOf, type RepublishRequest } from '../domain/republish';
import type { LicenseData } from '../infra/aggregates';
import { traceOfHeaders } from './common';

export interface RepublishApiDeps {
  data: LicenseData;
  clock: Clock;
}

const view = (r: RepublishRequest) => ({
  requestId: r._id,
  packageId: r.packageId,
  requestedBy: r.requestedBy,
  requestedAt: r.requestedAt.toISOString(),
  state: r.state,
  republished: r.republished,
  finishedAt: r.finishedAt?.toISOString() ?? null,
});

/** POST/GET /license-republish-requests: the request and its command are one write (its outbox); the license service's republish lane does the work. */
export function mountRepublish(app: Express, deps: RepublishApiDeps): void {
  mountRoute(app, licenseApi.requestLicenseRepublish, async ({ body, principal }, req) => {
    if (body.packageId !== null && !(await deps.data.packages.get(body.packageId))) throw new NotFoundError(`Package ${body.packageId}`);
    const now = deps.clock.now();
    const request = newRepublishRequest(`rep_${randomUUID()}`, body.packageId, principal.subject, now);
    await deps.data.republishRequests.insertOnce(request, [republishCommandOf(request, now, traceOfHeaders(req.headers))]);
    return view(request);
  });

  mountRoute(app, licenseApi.getLicenseRepublishRequest, async ({ params }) => {
    const r = await deps.data.republishRequests.get(params.requestId);
    if (!r) throw new NotFoundError(`Republish request ${params.requestId}`);
    return view(r);
  });
}
