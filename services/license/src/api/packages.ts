import type { Express } from 'express';
import { keysetPage, licenseApi, mountRoute, pageFrom } from '@lma/api';
import { NotFoundError, RetryableError } from '@lma/core';
import type { Package, PackageVersion } from '../infra/models';
import { withRetry } from './common';
import type { ApiDeps } from './deps';

const packageView = (p: Package) => ({
  packageId: p._id,
  packageName: p.packageName,
  developerName: p.developerName,
  developerOrgId: p.developerOrgId,
  registeredAt: p.registeredAt,
  defaultLicense: p.defaultLicense,
  sandboxSiteLicense: p.sandboxSiteLicense,
  leadManagerId: p.leadManagerId ?? null,
  ownerId: p.ownerId ?? null,
  latestVersionId: p.latestVersionId ?? null,
  latestVersionNumber: p.latestVersionNumber ?? null,
  latestReleasedAt: p.latestReleasedAt ?? null,
  revision: p.revision ?? 0,
});
const versionView = ({ _id, ...v }: PackageVersion) => ({ packageVersionId: _id, ...v });

/** Packages (only the default license values are editable) and their read-only versions. */
export function mountPackages(app: Express, deps: ApiDeps): void {
  const m = deps.models;
  const existing = async (packageId: string) => {
    const p = await m.Package.findById(packageId, { registrationEventId: 0 }).lean();
    if (!p) throw new NotFoundError(`Package ${packageId}`);
    return p as Package;
  };

  mountRoute(app, licenseApi.listPackages, async ({ query: q }) => {
    const { filter, sort } = keysetPage({}, 'packageName', 1, q.cursor);
    const docs = (await m.Package.find(filter, { registrationEventId: 0 }).sort(sort).limit(q.limit + 1).lean()) as Package[];
    const page = pageFrom(docs, q.limit, (p) => p.packageName);
    return { items: page.items.map(packageView), nextCursor: page.nextCursor };
  });

  mountRoute(app, licenseApi.getPackage, async ({ params }) => packageView(await existing(params.packageId)));

  mountRoute(app, licenseApi.updatePackage, async ({ params, body, principal }) =>
    withRetry(() =>
      deps.locks.run(`package:${params.packageId}`, async () => {
        const p = await existing(params.packageId);
        const before: Record<string, unknown> = { defaultLicense: p.defaultLicense, sandboxSiteLicense: p.sandboxSiteLicense };
        const after: Record<string, unknown> = {
          defaultLicense: { ...p.defaultLicense, ...(body.defaultLicense ?? {}) },
          sandboxSiteLicense: body.sandboxSiteLicense ?? p.sandboxSiteLicense,
        };
        const changed = Object.keys(after).filter((k) => JSON.stringify(after[k]) !== JSON.stringify(before[k]));
        if (changed.length === 0) return packageView(p);
        const revision = (p.revision ?? 0) + 1;
        const now = deps.clock.now();
        // audit first, keyed by revision; readers of the audit compare with the package's revision
        await m.PackageAudit.updateOne(
          { _id: `${p._id}:${revision}` },
          {
            $set: {
              packageId: p._id,
              revision,
              at: now,
              changedBy: principal.subject,
              reason: body.reason,
              before: Object.fromEntries(changed.map((k) => [k, before[k]])),
              after: Object.fromEntries(changed.map((k) => [k, after[k]])),
            },
          },
          { upsert: true },
        );
        const res = await m.Package.updateOne({ _id: p._id, revision: p.revision ?? null }, { $set: { ...after, revision, updatedAt: now } });
        if (res.matchedCount === 0) throw new RetryableError(`package ${p._id} changed meanwhile`);
        return packageView({ ...p, ...(after as Pick<Package, 'defaultLicense' | 'sandboxSiteLicense'>), revision });
      }),
    ),
  );

  mountRoute(app, licenseApi.listPackageVersions, async ({ params, query: q }) => {
    const { filter, sort } = keysetPage({ packageId: params.packageId }, 'releasedAt', -1, q.cursor);
    const docs = (await m.PackageVersion.find(filter).sort(sort).limit(q.limit + 1).lean()) as PackageVersion[];
    const page = pageFrom(docs, q.limit, (v) => v.releasedAt);
    return { items: page.items.map(versionView), nextCursor: page.nextCursor };
  });

  mountRoute(app, licenseApi.getPackageVersion, async ({ params }) => {
    const v = await m.PackageVersion.findById(params.packageVersionId).lean();
    if (!v) throw new NotFoundError(`Package version ${params.packageVersionId}`);
    return versionView(v as PackageVersion);
  });
}
