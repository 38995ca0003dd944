import { describe, expect, it } from 'vitest';
import { compareVersions, latestVersionAfter } from '../src/domain/versions';

describe('compareVersions', () => {
  it.each([
    ['1.10.0', '1.9.3'],
    ['1.4.10', '1.4.9'],
    ['2.0', '1.99.99'],
    ['10.0.0', '9.0.0'],
    ['1.0.0.1', '1.0.0'],
    ['1.0.1', '1.0'],
  ])('given %s and %s, when compared, then the first is newer', (newer, older) => {
    expect(compareVersions(newer, older)).toBe(1);
    expect(compareVersions(older, newer)).toBe(-1);
  });

  it.each([
    ['2.0', '2.0.0'],
    ['2.0.0', '2.0'],
    ['1.4.2', '1.4.2'],
    ['1.0.0.0', '1.0'],
  ])('given %s and %s, when compared, then they are the same version', (a, b) => {
    expect(compareVersions(a, b)).toBe(0);
  });

  it('given versions uploaded out of order, when sorted, then they are in numeric, not text, order', () => {
    const uploaded = ['1.10.0', '1.2.0', '1.9.3', '2.0', '1.9.10'];
    expect([...uploaded].sort(compareVersions)).toEqual(['1.2.0', '1.9.3', '1.9.10', '1.10.0', '2.0']);
  });
});

describe('latestVersionAfter', () => {
  const uploaded = (versionNumber: string, beta = false) => ({ packageId: 'p', packageVersionId: `v-${versionNumber}`, versionName: 'R', versionNumber, beta, releasedAt: '2026-02-01T00:00:00Z' });

  it('given versions uploaded out of order, when each arrives, then the latest is the highest released number', () => {
    let latest = latestVersionAfter(null, uploaded('1.9.3'));
    latest = latestVersionAfter(latest, uploaded('1.10.0')) ?? latest;
    expect(latestVersionAfter(latest, uploaded('1.2.0'))).toBeNull();
    expect(latest).toEqual({ _id: 'p', packageVersionId: 'v-1.10.0', versionNumber: '1.10.0', releasedAt: '2026-02-01T00:00:00Z' });
  });

  it('given a beta, when it arrives, then it is never the latest', () => {
    expect(latestVersionAfter(null, uploaded('9.0.0', true))).toBeNull();
  });

  it('given the same number again, when it arrives, then the latest stays', () => {
    expect(latestVersionAfter(latestVersionAfter(null, uploaded('2.0')), uploaded('2.0.0'))).toBeNull();
  });
});
