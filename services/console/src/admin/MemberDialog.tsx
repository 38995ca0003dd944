import { Button, Checkbox, Group, Modal, SimpleGrid, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, data, type Schemas } from '../api/client';
import { ProblemAlert } from '../components/ProblemAlert';
import { createBody, draftOf, emptyMember, memberErrors, updateBody, type MemberDraft } from './memberForm';
import { PERMISSIONS, PERMISSION_LABELS, ROLES, ROLE_LABELS, type Permission, type Role } from './permissions';

/**
 * Add a team member, or change one (name, email, active, roles, permissions). A change is sent
 * with the member's revision (If-Match): if someone changed the member meanwhile, the API's 412
 * is shown and nothing is overwritten.
 */
export function MemberDialog({ member, onClose }: { member: Schemas['TeamMember'] | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const narrow = useMediaQuery('(max-width: 36em)');
  const creating = member === null;
  const before = member ? draftOf(member) : emptyMember;
  const [draft, setDraft] = useState<MemberDraft>(before);
  const [touched, setTouched] = useState(false);
  const errors = memberErrors(draft, creating);
  const body = creating ? null : updateBody(before, draft);
  const unchanged = body !== null && Object.keys(body).length === 0;
  const save = useMutation({
    mutationFn: async () =>
      creating
        ? data(await api.POST('/team-members', { body: createBody(draft) }))
        : data(
            await api.PATCH('/team-members/{teamMemberId}', {
              params: { path: { teamMemberId: member.id }, header: { 'If-Match': `"${member.revision}"` } },
              body: body!,
            }),
          ),
    onSuccess: async (m) => {
      notifications.show({ color: 'green', message: creating ? `${m.name} added to the team.` : `${m.name} saved.` });
      await queryClient.invalidateQueries({ queryKey: ['team-members'] });
      onClose();
    },
  });
  const set = (change: Partial<MemberDraft>) => setDraft((d) => ({ ...d, ...change }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (Object.keys(errors).length === 0 && !unchanged) save.mutate();
  };
  const shown = (field: keyof typeof errors) => (touched ? errors[field] : undefined);
  return (
    <Modal opened onClose={onClose} title={creating ? 'Add a team member' : `Edit ${member.name}`} size="lg" fullScreen={narrow}>
      <form onSubmit={submit} noValidate>
        <Stack>
          {creating && (
            <TextInput
              label="Team member id"
              description="Optional: LMA makes one when left empty"
              value={draft.id}
              onChange={(e) => set({ id: e.currentTarget.value })}
              error={shown('id')}
            />
          )}
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Full name" required value={draft.name} onChange={(e) => set({ name: e.currentTarget.value })} error={shown('name')} />
            <TextInput label="Email" type="email" required value={draft.email} onChange={(e) => set({ email: e.currentTarget.value })} error={shown('email')} />
          </SimpleGrid>
          <Switch
            label="Active"
            description="Only active members can be chosen as a package's lead manager"
            checked={draft.active}
            onChange={(e) => set({ active: e.currentTarget.checked })}
          />
          <Checkbox.Group label="Roles" value={draft.roles} onChange={(v) => set({ roles: v as Role[] })}>
            <Group mt={4}>
              {ROLES.map((r) => (
                <Checkbox key={r} value={r} label={ROLE_LABELS[r]} />
              ))}
            </Group>
          </Checkbox.Group>
          <Switch
            label="Permissions follow the roles"
            checked={draft.followRoles}
            onChange={(e) => set({ followRoles: e.currentTarget.checked })}
          />
          {!draft.followRoles && (
            <Checkbox.Group label="Permissions" value={draft.permissions} onChange={(v) => set({ permissions: v as Permission[] })} error={shown('permissions')}>
              <SimpleGrid cols={{ base: 1, sm: 2 }} mt={4} spacing="xs">
                {PERMISSIONS.map((p) => (
                  <Checkbox key={p} value={p} label={p} description={PERMISSION_LABELS[p]} />
                ))}
              </SimpleGrid>
            </Checkbox.Group>
          )}
          {draft.followRoles && !creating && member.permissionsFromRoles && (
            <Text size="sm" c="dimmed">
              From the roles: {member.permissions.join(', ') || 'no permission'}
            </Text>
          )}
          {save.error ? <ProblemAlert error={save.error} /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending} disabled={unchanged}>
              {creating ? 'Add' : 'Save'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
