import { describe, expect, it } from 'vitest';
import { defaultsChange, defaultsDraftOf, describeDefaults, trialCaution } from '../src/packages/defaultsForm';

const pkg = { defaultLicense: { status: 'Active' as const, lengthDays: null, seats: 10 }, sandboxSiteLicense: true };

describe('the default license form', () => {
  it('sends only what changed, with the reason; a site license and no expiry are null', () => {
    const d = { ...defaultsDraftOf(pkg), status: 'Trial' as const, noExpiry: false, lengthDays: '30', siteLicense: true, reason: ' pilot customers ' };
    expect(defaultsChange(pkg, d)).toEqual({ body: { reason: 'pilot customers', defaultLicense: { status: 'Trial', lengthDays: 30, seats: null } } });
    expect(defaultsChange(pkg, { ...defaultsDraftOf(pkg), sandboxSiteLicense: false, reason: 'x' })).toEqual({ body: { reason: 'x', sandboxSiteLicense: false } });
  });

  it('names each field that is wrong: not a whole number in range, no reason, nothing changed', () => {
    const r = defaultsChange(pkg, { ...defaultsDraftOf(pkg), noExpiry: false, lengthDays: '3651', seats: '2.5' });
    expect(r).toEqual({
      errors: {
        lengthDays: 'Enter a whole number of days from 1 to 3,650',
        seats: 'Enter a whole number of seats from 1 to 99,000,000',
        reason: 'Say why the defaults change (kept in the audit)',
      },
    });
    expect(defaultsChange(pkg, { ...defaultsDraftOf(pkg), seats: '0', reason: 'r' })).toEqual({ errors: { seats: 'Enter a whole number of seats from 1 to 99,000,000' } });
    expect(defaultsChange(pkg, { ...defaultsDraftOf(pkg), reason: 'r' })).toEqual({ errors: { form: 'Nothing changed yet' } });
  });

  it('cautions (without refusing) about Trials longer than Modify License allows', () => {
    expect(trialCaution({ ...defaultsDraftOf(pkg), status: 'Trial' })).toMatch(/never expire/);
    expect(trialCaution({ ...defaultsDraftOf(pkg), status: 'Trial', noExpiry: false, lengthDays: '120' })).toMatch(/120 days/);
    expect(trialCaution({ ...defaultsDraftOf(pkg), status: 'Trial', noExpiry: false, lengthDays: '30' })).toBeNull();
    expect(trialCaution(defaultsDraftOf(pkg))).toBeNull();
  });

  it('says the defaults in words', () => {
    expect(describeDefaults(pkg)).toBe('Active, 10 seats, does not expire; sandboxes get a site license');
    expect(describeDefaults({ defaultLicense: { status: 'Trial', lengthDays: 1, seats: null }, sandboxSiteLicense: false })).toBe('Trial, site license, expires after 1 day');
  });
});
