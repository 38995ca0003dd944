// @vitest-environment jsdom
import { createElement } from 'react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ModifyLicenseDialog } from '../src/licenses/ModifyLicenseDialog';
import type { License } from '../src/api/client';

/** The Modify License dialog as a person sees it: the rules first, refusals said as they type, submit only when valid. */
beforeAll(() => {
  // what Mantine asks of a browser that jsdom lacks
  window.matchMedia ??= ((query: string) => ({ matches: false, media: query, onchange: null, addListener: () => {}, removeListener: () => {}, addEventListener: () => {}, removeEventListener: () => {}, dispatchEvent: () => false })) as typeof window.matchMedia;
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
  Element.prototype.scrollIntoView ??= () => {};
});
afterEach(() => cleanup());

const license: License = {
  licenseId: 'lic_033000000000000AAA_00D000000000001',
  licenseName: 'L-000042',
  packageId: '033000000000000AAA',
  packageVersionId: '04t000000000000AAA',
  versionNumber: '1.0.0',
  subscriberOrgId: '00D000000000001',
  status: 'Active',
  seats: 10,
  usedLicenses: 6,
  expiresOn: null,
  installDate: '2026-02-10T08:30:00Z',
  orgEdition: 'Enterprise',
  orgStatus: 'Active',
  orgExpiresOn: null,
  instance: 'NA42',
  sandbox: false,
  leadId: null,
  accountId: null,
  contactId: null,
  revision: 3,
};

function open(l: License = license) {
  const fetchSpy = vi.fn();
  vi.stubGlobal('fetch', fetchSpy);
  render(
    createElement(
      MantineProvider,
      null,
      createElement(QueryClientProvider, { client: new QueryClient() }, createElement(ModifyLicenseDialog, { license: l, opened: true, onClose: () => {} })),
    ),
  );
  return { fetchSpy, save: () => screen.getByRole('button', { name: 'Save changes' }) };
}

describe('Modify License dialog', () => {
  it('lists the rules before anything is typed, and offers no submit until something changes with a reason', () => {
    const { save } = open();
    expect(screen.getByText('A Trial license must expire within 90 days of today.')).toBeTruthy();
    expect(screen.getByText('A license that has been Active never goes back to Trial.')).toBeTruthy();
    expect(screen.getByText(/site license \(no seat limit\) licenses every user/i)).toBeTruthy();
    expect((save() as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByLabelText(/^Seats/), { target: { value: '4' } });
    expect((save() as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByLabelText(/^Reason/), { target: { value: 'customer downsized' } });
    expect((save() as HTMLButtonElement).disabled).toBe(false);
    // fewer seats than in use is allowed and explained
    expect(screen.getByText(/6 seats are in use, more than 4: their holders keep them/)).toBeTruthy();
  });

  it('a Trial that lasts too long is said at the date, with the last allowed day; Site license is explained', () => {
    const trial: License = { ...license, status: 'Trial', expiresOn: '2026-06-30' };
    const { save } = open(trial);
    fireEvent.change(screen.getByLabelText(/^Reason/), { target: { value: 'extend' } });
    fireEvent.click(screen.getByRole('button', { name: 'Never' }));
    expect(screen.getByText(/A Trial must expire: pick a date on or before \d{4}-\d{2}-\d{2} \(at most 90 days\)/)).toBeTruthy();
    expect((save() as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'In 90 days' }));
    expect((save() as HTMLButtonElement).disabled).toBe(false);
    fireEvent.click(screen.getByLabelText('Site license (every user of the org)'));
    expect(screen.getByText('Site license: every user of the subscriber org is licensed.')).toBeTruthy();
    expect(screen.queryByLabelText(/^Seats/)).toBeNull();
  });
});
