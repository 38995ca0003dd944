import { randomBytes } from 'node:crypto';
import {
  MarketplaceEventType,
  exampleOrgChanged,
  examplePackageInstalled,
  examplePackageRegistered,
  examplePackageUninstalled,
  examplePackageUpgraded,
  examplePackageVersionUploaded,
  exampleUserLicenseChanged,
  decodeCloudEvent,
  marketplaceDataSchemas,
} from '@lma/contracts';
import type { ZodTypeAny } from 'zod';

/** One malformed record for `marketplace.events`: its key marks it (`chaos-junk-<n>`), `what` says what is wrong. */
export interface JunkRecord {
  key: string;
  what: string;
  value: Buffer | string | null;
  headers: Record<string, string>;
}

const EXAMPLES: Record<string, Record<string, unknown>> = {
  [MarketplaceEventType.PackageRegistered]: examplePackageRegistered as unknown as Record<string, unknown>,
  [MarketplaceEventType.PackageVersionUploaded]: examplePackageVersionUploaded as unknown as Record<string, unknown>,
  [MarketplaceEventType.PackageInstalled]: examplePackageInstalled as unknown as Record<string, unknown>,
  [MarketplaceEventType.PackageUpgraded]: examplePackageUpgraded as unknown as Record<string, unknown>,
  [MarketplaceEventType.PackageUninstalled]: examplePackageUninstalled as unknown as Record<string, unknown>,
  [MarketplaceEventType.OrgChanged]: exampleOrgChanged as unknown as Record<string, unknown>,
  [MarketplaceEventType.UserLicenseChanged]: exampleUserLicenseChanged as unknown as Record<string, unknown>,
};

/** Every path to a leaf of a JSON object (`org.edition`), and every object itself (`org`). */
function paths(o: Record<string, unknown>, prefix: string[] = []): string[][] {
  return Object.entries(o).flatMap(([k, v]) => {
    const p = [...prefix, k];
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? [p, ...paths(v as Record<string, unknown>, p)] : [p];
  });
}

function withValue(o: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(o);
  let at: Record<string, unknown> = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string, unknown>;
  const last = path.at(-1)!;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

/** A value of the wrong type for what `v` is. */
const wrongType = (v: unknown): unknown => (typeof v === 'string' ? 12345 : typeof v === 'number' ? 'not a number' : typeof v === 'boolean' ? 'yes' : v === null ? { unexpected: true } : 'not an object');

/** A value the schema must refuse though its type is right: oversized, empty, out of range, badly formatted. */
const wrongValue = (path: string[], v: unknown): unknown => {
  const last = path.at(-1)!;
  if (typeof v === 'number') return -1;
  if (typeof v === 'boolean') return null;
  if (typeof v !== 'string') return undefined;
  if (/Id$/.test(last)) return `${v}!`;
  if (/At$|On$|Date$/.test(last)) return 'last tuesday';
  if (last === 'email') return 'not-an-email';
  return 'x'.repeat(100_000);
};

/**
 * At least `min` malformed records, each for one reason: not JSON, binary junk, no value, each
 * required CloudEvents header missing or wrong, unknown types, and every field of every
 * marketplace payload in turn missing, of the wrong type and with a wrong or oversized value.
 */
export function junkCorpus(min = 500): JunkRecord[] {
  const out: Omit<JunkRecord, 'key'>[] = [];
  const headers = (type: string | undefined, over: Record<string, string | undefined> = {}): Record<string, string> => {
    const h: Record<string, string | undefined> = {
      ce_specversion: '1.0',
      ce_id: `chaos-junk-${randomBytes(6).toString('hex')}`,
      ce_source: 'marketplace/chaos',
      ce_type: type,
      ce_time: new Date().toISOString(),
      'content-type': 'application/json',
      ...over,
    };
    return Object.fromEntries(Object.entries(h).filter((e): e is [string, string] => e[1] !== undefined));
  };
  const install = JSON.stringify(examplePackageInstalled);
  const I = MarketplaceEventType.PackageInstalled;
  // the value
  for (const v of ['{"packageId": ', 'not json at all', '{', '}{', 'null', '[]', '"a string"', '42', 'true', '{"a":1}{"b":2}']) out.push({ what: `value ${JSON.stringify(v).slice(0, 30)}`, value: v, headers: headers(I) });
  for (let i = 0; i < 20; i++) out.push({ what: `binary junk #${i}`, value: randomBytes(16 + i * 37), headers: headers(I) });
  out.push({ what: 'no value (tombstone)', value: null, headers: headers(I) });
  out.push({ what: 'binary junk without headers', value: randomBytes(64), headers: {} });
  // the headers
  for (const h of ['ce_specversion', 'ce_id', 'ce_source', 'ce_type', 'ce_time', 'content-type']) out.push({ what: `header ${h} missing`, value: install, headers: headers(I, { [h]: undefined }) });
  for (const [h, v] of [
    ['ce_specversion', '0.3'],
    ['ce_specversion', ''],
    ['ce_time', 'yesterday'],
    ['ce_time', '2026-13-45T99:00:00Z'],
    ['content-type', 'text/plain'],
    ['content-type', 'application/xml'],
    ['ce_id', ''],
    ['ce_source', ''],
    ['ce_type', ''],
  ] as const) out.push({ what: `header ${h} ${JSON.stringify(v)}`, value: install, headers: headers(I, { [h]: v }) });
  for (const t of ['marketplace.package.teleported', 'marketplace.package.installed.v2', 'MARKETPLACE.PACKAGE.INSTALLED', 'lma.license.created', 'x'.repeat(300)]) out.push({ what: `unknown type ${t.slice(0, 40)}`, value: install, headers: headers(t) });
  // every field of every payload, in turn
  for (const [type, example] of Object.entries(EXAMPLES)) {
    for (const p of paths(example)) {
      const v = p.reduce<unknown>((at, k) => (at as Record<string, unknown>)[k], example);
      const name = `${type} data.${p.join('.')}`;
      out.push({ what: `${name} missing`, value: JSON.stringify(withValue(example, p, undefined)), headers: headers(type) });
      out.push({ what: `${name} of the wrong type`, value: JSON.stringify(withValue(example, p, wrongType(v))), headers: headers(type) });
      const wrong = wrongValue(p, v);
      if (wrong !== undefined) out.push({ what: `${name} ${JSON.stringify(wrong).length > 40 ? 'oversized' : `= ${JSON.stringify(wrong)}`}`, value: JSON.stringify(withValue(example, p, wrong)), headers: headers(type) });
    }
  }
  // a mutation the contract accepts (an optional field left out) is valid input, not junk: the
  // contract's own decoder and schemas decide, except for oversized values, which must be refused
  const corpus = out.filter((r) => r.what.endsWith('oversized') || !acceptedByContract(r));
  const base = [...corpus];
  for (let i = 0; corpus.length < min; i++) {
    const r = base[i % base.length]!;
    corpus.push({ ...r, what: `${r.what} (again)`, headers: r.headers['ce_id'] ? { ...r.headers, ce_id: `chaos-junk-${randomBytes(6).toString('hex')}` } : r.headers });
  }
  return corpus.map((r, n) => ({ ...r, key: `chaos-junk-${n}` }));
}

function acceptedByContract(r: Omit<JunkRecord, 'key'>): boolean {
  try {
    const e = decodeCloudEvent({ key: null, value: r.value === null ? null : Buffer.from(r.value), headers: r.headers });
    const schema = (marketplaceDataSchemas as Record<string, ZodTypeAny>)[e.type];
    return schema !== undefined && schema.safeParse(e.data).success;
  } catch {
    return false;
  }
}
