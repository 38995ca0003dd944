import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as contracts from '../src';
import {
  CalendarDate,
  DefaultLicense,
  InvalidEventError,
  MarketplaceEventType,
  PackageId,
  PackageInstalledV1,
  PackageVersionId,
  SubscriberOrgId,
  UserId,
  decodeCloudEvent,
  encodeCloudEvent,
  examplePackageInstalled,
  parseData,
  type CloudEvent,
  type RawRecord,
} from '../src';

const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

const installed: CloudEvent<PackageInstalledV1> = {
  id: 'evt-1',
  source: 'marketplace',
  type: MarketplaceEventType.PackageInstalled,
  time: '2026-02-01T10:15:00Z',
  key: `${examplePackageInstalled.packageId}:${examplePackageInstalled.subscriberOrgId}`,
  data: examplePackageInstalled,
};

function record(overrides: { headers?: Record<string, string | undefined>; value?: string | null } = {}): RawRecord {
  const encoded = encodeCloudEvent(installed);
  return {
    key: encoded.key,
    value: overrides.value === undefined ? encoded.value : overrides.value,
    headers: { ...encoded.headers, ...overrides.headers },
  };
}

/** The InvalidEventError a call throws; fails the test when it throws nothing or something else. */
function invalidEvent(fn: () => unknown): InvalidEventError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidEventError);
    return err as InvalidEventError;
  }
  throw new Error('expected an InvalidEventError, nothing was thrown');
}

describe('encodeCloudEvent / decodeCloudEvent', () => {
  it('given an event, when encoded, then it travels in binary content mode', () => {
    const r = encodeCloudEvent(installed);
    expect(r.headers).toEqual({
      ce_specversion: '1.0',
      ce_id: 'evt-1',
      ce_source: 'marketplace',
      ce_type: 'marketplace.package.installed',
      ce_time: '2026-02-01T10:15:00Z',
      'content-type': 'application/json',
    });
    expect(JSON.parse(r.value)).toEqual(examplePackageInstalled);
    expect(r.key).toBe('033000000000ABCDEF:00D000000CUST01');
  });

  it('given an encoded event, when decoded, then it is the same event and its data validates', () => {
    const e = decodeCloudEvent(encodeCloudEvent(installed));
    expect(e).toEqual(installed);
    expect(parseData(PackageInstalledV1, e.data)).toEqual(examplePackageInstalled);
  });

  it('given a record as Kafka delivers it (Buffers), when decoded, then it is the same event', () => {
    const r = encodeCloudEvent({ ...installed, traceparent });
    const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, Buffer.from(v)]));
    const e = decodeCloudEvent({ key: Buffer.from(r.key!), value: Buffer.from(r.value), headers });
    expect(e).toEqual({ ...installed, traceparent });
  });

  it('given a traceparent and tracestate, when encoded and decoded, then both are kept', () => {
    const e = decodeCloudEvent(encodeCloudEvent({ ...installed, traceparent, tracestate: 'vendor=abc' }));
    expect(e.traceparent).toBe(traceparent);
    expect(e.tracestate).toBe('vendor=abc');
  });

  it('given a record from outside with a traceparent header, when decoded, then the trace is continued', () => {
    expect(decodeCloudEvent(record({ headers: { traceparent } })).traceparent).toBe(traceparent);
  });

  it('given an event without trace context, when encoded, then no trace headers are invented', () => {
    const r = encodeCloudEvent(installed);
    expect(r.headers).not.toHaveProperty('traceparent');
    expect(decodeCloudEvent(r)).not.toHaveProperty('traceparent');
  });

  it('given an event with a dataschema, when encoded and decoded, then it travels as ce_dataschema', () => {
    const dataschema = 'urn:lma:schema:marketplace.package.installed:v1';
    const r = encodeCloudEvent({ ...installed, dataschema });
    expect(r.headers['ce_dataschema']).toBe(dataschema);
    expect(decodeCloudEvent(r)).toEqual({ ...installed, dataschema });
  });

  it('given a record without ce_dataschema (the marketplace need not send it), when decoded, then it is accepted without one', () => {
    const r = encodeCloudEvent(installed);
    expect(r.headers).not.toHaveProperty('ce_dataschema');
    expect(decodeCloudEvent(r)).not.toHaveProperty('dataschema');
    expect(decodeCloudEvent(record({ headers: { ce_dataschema: ' ' } }))).not.toHaveProperty('dataschema');
  });

  it('given an event without a key, when encoded and decoded, then the key stays null', () => {
    expect(decodeCloudEvent(encodeCloudEvent({ ...installed, key: null })).key).toBeNull();
  });

  it.each(['ce_specversion', 'ce_id', 'ce_source', 'ce_type', 'ce_time'])('given a record without %s, when decoded, then the error names that header', (name) => {
    const err = invalidEvent(() => decodeCloudEvent(record({ headers: { [name]: undefined } })));
    expect(err.field).toBe(`header ${name}`);
    expect(err.message).toContain(name);
  });

  it.each(['ce_id', 'ce_source', 'ce_type'])('given a blank %s, when decoded, then it counts as missing', (name) => {
    expect(invalidEvent(() => decodeCloudEvent(record({ headers: { [name]: '  ' } }))).field).toBe(`header ${name}`);
  });

  it('given a record with no headers at all, when decoded, then the spec version is named first', () => {
    expect(invalidEvent(() => decodeCloudEvent({ key: null, value: '{}' })).field).toBe('header ce_specversion');
  });

  it('given another CloudEvents version, when decoded, then ce_specversion is named', () => {
    const err = invalidEvent(() => decodeCloudEvent(record({ headers: { ce_specversion: '0.3' } })));
    expect(err.field).toBe('header ce_specversion');
    expect(err.reason).toContain('0.3');
  });

  it.each(['yesterday', '2026-02-01', '2026-02-01 10:15:00'])('given ce_time %s, when decoded, then ce_time is named', (time) => {
    expect(invalidEvent(() => decodeCloudEvent(record({ headers: { ce_time: time } }))).field).toBe('header ce_time');
  });

  it('given a ce_time with an offset, when decoded, then it is accepted', () => {
    expect(decodeCloudEvent(record({ headers: { ce_time: '2026-02-01T11:15:00+01:00' } })).time).toBe('2026-02-01T11:15:00+01:00');
  });

  it('given a value that is not JSON, when decoded, then the value is named', () => {
    const err = invalidEvent(() => decodeCloudEvent(record({ value: '{"packageId": ' })));
    expect(err.field).toBe('value');
    expect(err.reason).toMatch(/not valid JSON/);
  });

  it.each(['text/plain', 'application/xml', 'application/octet-stream'])('given content-type %s, when decoded, then content-type is named', (contentType) => {
    const err = invalidEvent(() => decodeCloudEvent(record({ headers: { 'content-type': contentType } })));
    expect(err.field).toBe('header content-type');
    expect(err.reason).toContain(contentType);
  });

  it.each(['application/json', 'application/json; charset=utf-8', 'application/cloudevents+json'])('given content-type %s, when decoded, then it is accepted', (contentType) => {
    expect(decodeCloudEvent(record({ headers: { 'content-type': contentType } })).data).toEqual(examplePackageInstalled);
  });

  it('given a tombstone (null value), when decoded, then the value is named as empty', () => {
    const err = invalidEvent(() => decodeCloudEvent(record({ value: null })));
    expect(err.field).toBe('value');
    expect(err.reason).toMatch(/tombstone/);
  });
});

describe('parseData', () => {
  it('given data with a wrong field, when parsed, then the error names the field under data', () => {
    const err = invalidEvent(() => parseData(PackageInstalledV1, { ...examplePackageInstalled, org: { ...examplePackageInstalled.org, sandbox: 'no' } }));
    expect(err.field).toBe('data.org.sandbox');
    expect(err.reason).toBe('must be boolean, got string');
  });

  it('given data without a required field, when parsed, then the field is named as required', () => {
    const { subscriberOrgId: _missing, ...data } = examplePackageInstalled;
    const err = invalidEvent(() => parseData(PackageInstalledV1, data));
    expect(err.field).toBe('data.subscriberOrgId');
    expect(err.reason).toBe('is required');
  });
});

describe('marketplace example payloads', () => {
  const examples = Object.entries(contracts).filter(([name]) => name.startsWith('example'));

  it('given the contracts module, when its examples are listed, then there is one per inbound event of the contract', () => {
    expect(examples.map(([name]) => name).sort()).toEqual([
      'exampleOrgChanged',
      'examplePackageInstalled',
      'examplePackageRegistered',
      'examplePackageUninstalled',
      'examplePackageUpgraded',
      'examplePackageVersionUploaded',
      'exampleUserLicenseChanged',
    ]);
  });

  it.each(examples)('given %s, when validated against its V1 schema, then it is valid', (name, example) => {
    const schemaName = `${name.slice('example'.length)}V1`;
    const schema = (contracts as unknown as Record<string, z.ZodTypeAny | undefined>)[schemaName];
    expect(schema, `schema ${schemaName}`).toBeDefined();
    expect(parseData(schema!, example)).toEqual(example);
  });
});

describe('marketplace identifier formats', () => {
  const alnum = (n: number) => 'A1b2C3d4E5f6G7h8I9j0'.slice(0, n);

  it.each([
    ['packageId', PackageId, '033', 18],
    ['packageVersionId', PackageVersionId, '04t', 18],
    ['subscriberOrgId', SubscriberOrgId, '00D', 15],
  ] as const)('given a %s, when validated, then only %s followed by alphanumerics to exactly %i characters is accepted', (_field, schema, prefix, length) => {
    expect(schema.safeParse(prefix + alnum(length - 3)).success).toBe(true);
    expect(schema.safeParse(prefix + alnum(length - 4)).success).toBe(false);
    expect(schema.safeParse(prefix + alnum(length - 2)).success).toBe(false);
    expect(schema.safeParse('999' + alnum(length - 3)).success).toBe(false);
    expect(schema.safeParse(prefix + alnum(length - 4) + '-').success).toBe(false);
    expect(schema.safeParse(` ${prefix}${alnum(length - 3)}`).success).toBe(false);
  });

  it('given an 18-character org id, when used as a subscriber org, then it is rejected', () => {
    expect(SubscriberOrgId.safeParse('00D' + alnum(15)).success).toBe(false);
  });

  it.each([15, 18])('given a %i-character user id starting 005, when validated, then it is accepted', (length) => {
    expect(UserId.safeParse('005' + alnum(length - 3)).success).toBe(true);
  });

  it.each([14, 16, 17, 19])('given a %i-character user id starting 005, when validated, then it is rejected', (length) => {
    expect(UserId.safeParse('005' + alnum(length - 3)).success).toBe(false);
  });

  it('given a 15-character user id with another prefix, when validated, then it is rejected', () => {
    expect(UserId.safeParse('006' + alnum(12)).success).toBe(false);
  });

  it('given an install with a too short subscriber org, when parsed, then the error names subscriberOrgId', () => {
    const err = invalidEvent(() => parseData(PackageInstalledV1, { ...examplePackageInstalled, subscriberOrgId: '00D000000CUST0' }));
    expect(err.field).toBe('data.subscriberOrgId');
    expect(err.reason).toMatch(/15 alphanumeric characters starting with 00D/);
  });
});

describe('marketplace dates and default license bounds', () => {
  it.each(['2026-02-28', '2028-02-29', '2026-12-31'])('given the real date %s, when validated, then it is accepted', (date) => {
    expect(CalendarDate.safeParse(date).success).toBe(true);
  });

  it.each(['2026-02-30', '2027-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-2-01', '2026-02-01T00:00:00Z'])(
    'given %s, when validated as a date, then it is rejected',
    (date) => {
      expect(CalendarDate.safeParse(date).success).toBe(false);
    },
  );

  it('given an install whose org trial ends on 2026-02-30, when parsed, then the error names the trial end date', () => {
    const err = invalidEvent(() => parseData(PackageInstalledV1, { ...examplePackageInstalled, org: { ...examplePackageInstalled.org, trialExpiresOn: '2026-02-30' } }));
    expect(err.field).toBe('data.org.trialExpiresOn');
  });

  const valid = { status: 'Trial', lengthDays: 30, seats: 10 } as const;

  it.each([
    { lengthDays: 1 },
    { lengthDays: 3650 },
    { lengthDays: null },
    { seats: 1 },
    { seats: 99_000_000 },
    { seats: null },
  ])('given a default license with %o, when validated, then it is accepted', (change) => {
    expect(DefaultLicense.safeParse({ ...valid, ...change }).success).toBe(true);
  });

  it.each([
    ['lengthDays', { lengthDays: 0 }],
    ['lengthDays', { lengthDays: 3651 }],
    ['lengthDays', { lengthDays: 7.5 }],
    ['seats', { seats: 0 }],
    ['seats', { seats: 99_000_001 }],
    ['seats', { seats: -1 }],
    ['status', { status: 'Suspended' }],
  ])('given a default license with a bad %s (%o), when validated, then that field is named', (field, change) => {
    const err = invalidEvent(() => parseData(DefaultLicense, { ...valid, ...change }));
    expect(err.field).toBe(`data.${field}`);
  });
});
