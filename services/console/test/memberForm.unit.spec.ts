import { describe, expect, it } from 'vitest';
import type { Schemas } from '../src/api/client';
import { createBody, draftOf, emptyMember, memberErrors, updateBody } from '../src/admin/memberForm';

const nora: Schemas['TeamMember'] = {
  id: 'nora',
  name: 'Nora Next',
  email: 'nora@vendor.example',
  active: true,
  roles: ['lead-manager'],
  permissions: ['licenses:read', 'leads:read'],
  permissionsFromRoles: true,
  revision: 3,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-02T00:00:00Z',
};

describe('the team member form', () => {
  it('names what the API would refuse: id, name, email, no permission at all', () => {
    expect(memberErrors({ ...emptyMember, id: 'Nora!', followRoles: false }, true)).toEqual({
      id: 'At most 64 lowercase letters, digits, _ or -, starting with a letter or digit',
      name: 'A name is required',
      email: 'An email address such as nora@vendor.example',
      permissions: 'Choose at least one permission, or let the permissions follow the roles',
    });
    expect(memberErrors({ ...emptyMember, id: 'lma', name: 'x', email: 'x@y.example' }, true)).toEqual({ id: 'lma is reserved: it owns the leads of packages without a lead manager' });
    expect(memberErrors(draftOf(nora), false)).toEqual({});
  });

  it('adds a member with explicit permissions only when they do not follow the roles', () => {
    expect(createBody({ ...emptyMember, name: ' Nora ', email: 'nora@vendor.example', roles: ['sales-rep'] })).toEqual({ name: 'Nora', email: 'nora@vendor.example', active: true, roles: ['sales-rep'] });
    expect(createBody({ ...emptyMember, id: 'nora', name: 'Nora', email: 'n@v.example', followRoles: false, permissions: ['licenses:read'] })).toMatchObject({ id: 'nora', permissions: ['licenses:read'] });
  });

  it('changes only what changed; permissions null when they follow the roles again', () => {
    const before = draftOf(nora);
    expect(updateBody(before, before)).toEqual({});
    expect(updateBody(before, { ...before, followRoles: false, permissions: ['leads:read'] })).toEqual({ permissions: ['leads:read'] });
    expect(updateBody(before, { ...before, active: false })).toEqual({ active: false });
    const explicit = draftOf({ ...nora, permissionsFromRoles: false });
    expect(updateBody(explicit, { ...explicit, followRoles: true })).toEqual({ permissions: null });
    expect(updateBody(explicit, { ...explicit, permissions: ['leads:read', 'licenses:read'] })).toEqual({});
  });
});
