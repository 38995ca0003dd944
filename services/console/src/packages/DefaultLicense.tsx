import { Alert, Button, Card, Checkbox, Group, Modal, SegmentedControl, SimpleGrid, Stack, Switch, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, data, type Schemas } from '../api/client';
import { useAuth } from '../auth';
import { ProblemAlert } from '../components/ProblemAlert';
import { defaultsChange, defaultsDraftOf, describeDefaults, trialCaution, type DefaultsDraft } from './defaultsForm';

/** A package's default license values: read by everyone who reads the package, changed with packages:edit. */
export function DefaultLicense({ pkg }: { pkg: Schemas['Package'] }) {
  const auth = useAuth();
  const [editing, setEditing] = useState(false);
  return (
    <Card withBorder>
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h3">
          Default license
        </Title>
        {auth.can('packages:edit') && (
          <Button variant="light" onClick={() => setEditing(true)}>
            Edit defaults
          </Button>
        )}
      </Group>
      <Text data-testid="default-license">{describeDefaults(pkg)}</Text>
      <Text size="sm" c="dimmed">
        New licenses of this package get these values; existing licenses keep theirs.
      </Text>
      {editing && <DefaultsDialog pkg={pkg} onClose={() => setEditing(false)} />}
    </Card>
  );
}

/**
 * The defaults form. The change is sent with the package's revision (If-Match), so a change made
 * meanwhile by someone else is refused (412) and shown instead of overwritten.
 */
function DefaultsDialog({ pkg, onClose }: { pkg: Schemas['Package']; onClose: () => void }) {
  const queryClient = useQueryClient();
  const narrow = useMediaQuery('(max-width: 36em)');
  const [draft, setDraft] = useState<DefaultsDraft>(() => defaultsDraftOf(pkg));
  const [touched, setTouched] = useState(false);
  const change = defaultsChange(pkg, draft);
  const errors = 'errors' in change ? change.errors : {};
  const caution = trialCaution(draft);
  const save = useMutation({
    mutationFn: async (body: Schemas['UpdatePackageRequest']) =>
      data(await api.PATCH('/packages/{packageId}', { params: { path: { packageId: pkg.packageId }, header: { 'If-Match': `"${pkg.revision}"` } }, body })),
    onSuccess: async (p) => {
      queryClient.setQueryData(['package', pkg.packageId], p);
      notifications.show({ color: 'green', title: 'Default license saved', message: describeDefaults(p) });
      await queryClient.invalidateQueries({ queryKey: ['packages'] });
      onClose();
    },
    onError: async () => {
      // a 412 means the package changed meanwhile: show the current values behind the refusal
      await queryClient.invalidateQueries({ queryKey: ['package', pkg.packageId] });
    },
  });
  const set = (c: Partial<DefaultsDraft>) => setDraft((d) => ({ ...d, ...c }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if ('body' in change) save.mutate(change.body);
  };
  const shown = (f: keyof typeof errors) => (touched ? errors[f] : undefined);
  return (
    <Modal opened onClose={onClose} title="Edit the default license" size="lg" fullScreen={narrow}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text size="sm">New licenses get these values; existing licenses do not change. The change and its reason go to the package's audit.</Text>
          <div>
            <Text size="sm" fw={500} id="default-status-label">
              Status
            </Text>
            <SegmentedControl aria-labelledby="default-status-label" data={['Trial', 'Active']} value={draft.status} onChange={(v) => set({ status: v as DefaultsDraft['status'] })} />
          </div>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Stack gap={6}>
              <TextInput
                label="Length (days)"
                inputMode="numeric"
                value={draft.lengthDays}
                disabled={draft.noExpiry}
                onChange={(e) => set({ lengthDays: e.currentTarget.value })}
                error={shown('lengthDays')}
              />
              <Checkbox label="Does not expire" checked={draft.noExpiry} onChange={(e) => set({ noExpiry: e.currentTarget.checked })} />
            </Stack>
            <Stack gap={6}>
              <TextInput label="Seats" inputMode="numeric" value={draft.seats} disabled={draft.siteLicense} onChange={(e) => set({ seats: e.currentTarget.value })} error={shown('seats')} />
              <Checkbox label="Site license (no seat limit)" checked={draft.siteLicense} onChange={(e) => set({ siteLicense: e.currentTarget.checked })} />
            </Stack>
          </SimpleGrid>
          <Switch label="Sandbox installs get a site license" checked={draft.sandboxSiteLicense} onChange={(e) => set({ sandboxSiteLicense: e.currentTarget.checked })} />
          {caution && (
            <Alert color="yellow" title="Long Trials">
              {caution}
            </Alert>
          )}
          <Textarea label="Reason" required autosize minRows={2} maxLength={500} value={draft.reason} onChange={(e) => set({ reason: e.currentTarget.value })} error={shown('reason')} />
          {touched && errors.form ? <Text c="red" size="sm">{errors.form}</Text> : null}
          {save.error ? <ProblemAlert error={save.error} /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save defaults
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
