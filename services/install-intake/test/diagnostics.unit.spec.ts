import { describe, expect, it } from 'vitest';
import { examplePackageInstalled } from '@lma/contracts';
import { latestOnboardings } from '../src/domain/diagnostics';
import { startOnboarding } from '../src/domain/onboarding';

describe('latestOnboardings', () => {
  it('given the onboardings of an install in any order, then the latest come first, at most the limit', () => {
    const at = (day: number) => startOnboarding(`evt-${day}`, examplePackageInstalled, new Date(Date.UTC(2026, 1, day))).saga;
    const listed = latestOnboardings([at(3), at(1), at(4), at(2)], 3);
    expect(listed.map((s) => s.installEventId)).toEqual(['evt-4', 'evt-3', 'evt-2']);
  });
});
