import { describe, expect, it } from 'vitest';
import { checkQuery, type DeclaredQuery } from '../src/queries';

const declared: DeclaredQuery[] = [
  { collection: 'saga_timers', fields: ['dueAt'], index: { dueAt: 1 }, bound: 'one per saga waiting on a timer' },
  { collection: 'licenses', fields: ['packageId', 'status', '_id'], index: { packageId: 1, status: 1, _id: 1 }, bound: 'a page of at most 200' },
];

describe('declared queries', () => {
  it('given an _id lookup, when checked, then it passes without a declaration', () => {
    expect(checkQuery([], 'anything', { _id: 'L1' })).toBeNull();
    expect(checkQuery([], 'numbers', { _id: 42 })).toBeNull();
  });

  it('given an _id with an operator ($in, a range), when undeclared, then it is refused: the embedded database reads the whole collection for it', () => {
    expect(checkQuery([], 'licenses', { _id: { $in: ['a', 'b'] } })).toMatch(/undeclared query on \{_id\}/);
    expect(checkQuery([], 'licenses', { _id: { $gt: 'a' } })).toMatch(/licenses: undeclared/);
  });

  it('given a declared query, when its fields or a subset of them are used, then it passes', () => {
    expect(checkQuery(declared, 'saga_timers', { dueAt: { $lte: new Date() } })).toBeNull();
    expect(checkQuery(declared, 'licenses', { packageId: 'p', _id: { $gt: 'x' } })).toBeNull();
  });

  it('given an undeclared field or collection, when checked, then the problem names the collection and the fields', () => {
    expect(checkQuery(declared, 'licenses', { subscriberOrgId: 'o' })).toBe('licenses: undeclared query on {subscriberOrgId} (declare it with its index and bound)');
    expect(checkQuery(declared, 'leads', { dueAt: 1 })).toMatch(/^leads: undeclared/);
  });

  it('given no filter at all, when the collection is not declared as read whole, then it is refused', () => {
    expect(checkQuery(declared, 'licenses', {})).toMatch(/without a filter/);
    expect(checkQuery([{ collection: 'rules', fields: [], index: {}, bound: 'configuration: a few dozen rules' }], 'rules', {})).toBeNull();
  });
});
