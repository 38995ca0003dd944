import express, { type NextFunction, type Request, type Response } from 'express';
import type { Server } from 'node:http';
import { z } from 'zod';
import { DefaultLicense, Org, PackageId, PackageVersionId, SubscriberOrgId, VersionNumber } from '@lma/contracts';
import type { Marketplace } from './marketplace';

/**
 * The simulator's control API (loopback only, for tests, demos and benchmarks): shape the
 * marketplace's state, publishing events or changing it silently (drift), and inject faults into
 * the next snapshot answer.
 */
export function startControl(mp: Marketplace, port: number): Promise<Server> {
  const app = express();
  app.use(express.json({ limit: '1mb' }));
  const wrap = (fn: (req: Request, res: Response) => Promise<unknown>) => (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).then((body) => res.json(body ?? {}), next);
  };
  const orgOf = (req: Request) => {
    const { packageId, orgId } = z.object({ packageId: PackageId, orgId: SubscriberOrgId }).parse(req.params);
    const inst = mp.requirePackage(packageId).installations.get(orgId);
    if (!inst) throw new Error(`unknown installation ${packageId}/${orgId}`);
    return inst;
  };

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/stats', (_req, res) => {
    res.json(mp.stats);
  });

  app.post(
    '/packages',
    wrap(async (req) => {
      const b = z
        .object({ packageId: PackageId.optional(), register: z.boolean().default(true), versions: z.number().int().min(1).max(10).default(1), defaultLicense: DefaultLicense.optional() })
        .strict()
        .parse(req.body ?? {});
      const registered = await mp.registerPackage({ packageId: b.packageId, defaultLicense: b.defaultLicense, publish: b.register });
      const versions = [];
      for (let i = 0; i < b.versions; i++) versions.push(await mp.uploadVersion(registered.packageId, { publish: b.register }));
      return { ...registered, versions };
    }),
  );

  app.post(
    '/packages/:packageId/register',
    wrap(async (req) => {
      const { packageId } = z.object({ packageId: PackageId }).parse(req.params);
      await mp.publishRegistration(packageId);
      for (const v of mp.requirePackage(packageId).versions) await mp.uploadVersionEvent(v);
      return { packageId };
    }),
  );

  app.post(
    '/packages/:packageId/versions',
    wrap(async (req) => {
      const { packageId } = z.object({ packageId: PackageId }).parse(req.params);
      const b = z.object({ versionNumber: VersionNumber.optional(), publish: z.boolean().default(true) }).strict().parse(req.body ?? {});
      return await mp.uploadVersion(packageId, b);
    }),
  );

  app.post(
    '/packages/:packageId/installations',
    wrap(async (req) => {
      const { packageId } = z.object({ packageId: PackageId }).parse(req.params);
      const b = z
        .object({ count: z.number().int().min(1).max(1000).default(1), publish: z.boolean().default(true), withInstaller: z.boolean().default(true), org: Org.optional() })
        .strict()
        .parse(req.body ?? {});
      const out = [];
      for (let i = 0; i < b.count; i++) out.push(await mp.install(packageId, { publish: b.publish, installer: b.withInstaller ? undefined : null, org: b.org }));
      return { items: out.map(({ users: _u, ...rest }) => rest) };
    }),
  );

  app.get(
    '/packages/:packageId/installations',
    wrap(async (req) => {
      const { packageId } = z.object({ packageId: PackageId }).parse(req.params);
      return { items: [...mp.requirePackage(packageId).installations.values()].map(({ users: _u, ...rest }) => rest) };
    }),
  );

  /** Changes one installation: with `publish` as the marketplace would announce it, else silently (drift). */
  app.patch(
    '/packages/:packageId/installations/:orgId',
    wrap(async (req) => {
      const inst = orgOf(req);
      const b = z
        .object({
          publish: z.boolean().default(false),
          upgradeTo: PackageVersionId.optional(),
          versionNumber: VersionNumber.optional(),
          org: Org.partial().optional(),
          uninstalled: z.boolean().optional(),
          usedLicenses: z.number().int().min(0).nullable().optional(),
        })
        .strict()
        .parse(req.body ?? {});
      if (b.upgradeTo || b.versionNumber) {
        if (b.publish) await mp.upgrade(inst, true);
        else Object.assign(inst, { packageVersionId: b.upgradeTo ?? inst.packageVersionId, versionNumber: b.versionNumber ?? inst.versionNumber });
      }
      if (b.org) await mp.changeOrg(inst, b.org, b.publish);
      if (b.uninstalled === true) await mp.uninstall(inst, b.publish);
      if (b.uninstalled === false) Object.assign(inst, { uninstalled: false, usedLicenses: 0, users: [] });
      if (b.usedLicenses !== undefined) {
        if (b.publish) {
          while ((inst.usedLicenses ?? 0) < (b.usedLicenses ?? 0)) await mp.changeUserLicense(inst, false, true);
        } else inst.usedLicenses = b.usedLicenses;
      }
      const { users: _u, ...rest } = inst;
      return rest;
    }),
  );

  /** A synthetic package of `count` installations (generated on demand; see synthetic.ts). */
  app.post(
    '/packages/:packageId/synthetic',
    wrap(async (req) => {
      const { packageId } = z.object({ packageId: PackageId }).parse(req.params);
      const b = z
        .object({
          count: z.number().int().min(0).max(10_000_000),
          drift: z.number().min(0).max(1).default(0),
          packageVersionId: PackageVersionId,
          versionNumber: VersionNumber,
          driftVersionId: PackageVersionId,
          driftVersionNumber: VersionNumber,
        })
        .strict()
        .parse(req.body ?? {});
      mp.state.synthetic.set(packageId, { packageId, ...b });
      return { packageId, count: b.count };
    }),
  );

  app.post(
    '/faults',
    wrap(async (req) => {
      const b = z
        .object({ drop: z.array(z.number().int().min(1)).default([]), duplicate: z.array(z.number().int().min(1)).default([]) })
        .strict()
        .parse(req.body ?? {});
      mp.nextFaults = b;
      return b;
    }),
  );

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    res.status(400).json({ error: err instanceof Error ? err.message : String(err) });
  });
  return new Promise((resolve) => {
    const server = app.listen(port, '127.0.0.1', () => resolve(server));
  });
}
