import { describe, expect, it } from 'vitest';
import { checkModification, type LicenseFacts, type ModifyDraft } from '../src/licenses/modifyRules';

const TODAY = '2026-06-01';
const active: LicenseFacts = { status: 'Active', seats: 10, usedLicenses: 4, expiresOn: null };
const trial: LicenseFacts = { status: 'Trial', seats: 10, usedLicenses: 0, expiresOn: '2026-06-30' };
const draft = (l: LicenseFacts, d: Partial<ModifyDraft>): ModifyDraft => ({ status: l.status === 'Uninstalled' ? 'Active' : l.status, seats: l.seats, expiresOn: l.expiresOn, reason: 'customer asked', ...d });
const fields = (l: LicenseFacts, d: Partial<ModifyDraft>) => checkModification(l, draft(l, d), TODAY).problems.map((p) => p.field);

describe('Modify License rules (the dialog, before submit)', () => {
  it('a Trial expires within 90 days of today: the 90th day is allowed, the 91st and no date are not', () => {
    expect(checkModification(trial, draft(trial, { expiresOn: '2026-08-30' }), TODAY).body).toEqual({ reason: 'customer asked', expiresOn: '2026-08-30' });
    const late = checkModification(trial, draft(trial, { expiresOn: '2026-08-31' }), TODAY);
    expect(late.body).toBeNull();
    expect(late.problems).toEqual([{ field: 'expiresOn', message: 'A Trial lasts at most 90 days: pick a date on or before 2026-08-30.' }]);
    expect(fields(trial, { expiresOn: null })).toEqual(['expiresOn']);
  });

  it('an Active license never goes back to Trial; a Suspended one may have been Active (the API decides, the dialog says so)', () => {
    const refused = checkModification(active, draft(active, { status: 'Trial', expiresOn: '2026-06-20' }), TODAY);
    expect(refused.problems).toEqual([{ field: 'status', message: 'A license that has been Active can never go back to Trial.' }]);
    const suspended: LicenseFacts = { ...active, status: 'Suspended' };
    const asked = checkModification(suspended, draft(suspended, { status: 'Trial', expiresOn: '2026-06-20' }), TODAY);
    expect(asked.body).toEqual({ reason: 'customer asked', status: 'Trial', expiresOn: '2026-06-20' });
    expect(asked.notes).toContain('If this license has ever been Active, the API refuses Trial.');
  });

  it('a site license has no seat limit; seats are whole numbers from 1; fewer seats than in use is allowed and explained', () => {
    const site = checkModification(active, draft(active, { seats: null }), TODAY);
    expect(site.body).toEqual({ reason: 'customer asked', seats: null });
    expect(site.notes).toContain('Site license: every user of the subscriber org is licensed.');
    expect(fields(active, { seats: 0 })).toEqual(['seats']);
    expect(fields(active, { seats: 2.5 })).toEqual(['seats']);
    const cut = checkModification(active, draft(active, { seats: 2 }), TODAY);
    expect(cut.body).toEqual({ reason: 'customer asked', seats: 2 });
    expect(cut.notes.join(' ')).toMatch(/4 seats are in use, more than 2: their holders keep them; nobody new gets a seat until 3 are freed/);
  });

  it('a reason is required, something must change, and an uninstalled license is not modifiable', () => {
    expect(fields(active, { seats: 12, reason: '  ' })).toEqual(['reason']);
    expect(fields(active, {})).toEqual(['license']);
    const gone: LicenseFacts = { ...active, status: 'Uninstalled' };
    expect(checkModification(gone, draft(gone, { seats: 12 }), TODAY).problems.map((p) => p.message)).toContain("Uninstalled licenses can't be modified.");
  });
});
