import { describe, expect, it } from 'vitest';
import { meetsConditions } from '../src/mongo';

describe('meetsConditions (a condition checked in the process, as MongoDB would)', () => {
  it('compares equality, with a missing field equal to null, and $in', () => {
    expect(meetsConditions({ revision: 3 }, { revision: 3 })).toBe(true);
    expect(meetsConditions({ revision: 4 }, { revision: 3 })).toBe(false);
    expect(meetsConditions({}, { licenseNumber: null })).toBe(true);
    expect(meetsConditions({ licenseNumber: 7 }, { licenseNumber: null })).toBe(false);
    expect(meetsConditions({ state: 'running' }, { state: { $in: ['requested', 'running'] } })).toBe(true);
    expect(meetsConditions({ state: 'completed' }, { state: { $in: ['requested', 'running'] } })).toBe(false);
    expect(meetsConditions({ a: 1, b: 'x' }, { a: 1, b: 'y' })).toBe(false);
  });
});
