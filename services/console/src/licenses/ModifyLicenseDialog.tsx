import { Alert, Button, Group, List, Modal, NumberInput, Select, Stack, Switch, Text, Textarea } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, data, type License } from '../api/client';
import { ProblemAlert } from '../components/ProblemAlert';
import { RULES, TRIAL_MAX_DAYS, addDays, checkModification, todayUtc, type ModifiableStatus, type ModifyDraft } from './modifyRules';

/**
 * Modify License: the rules first, then status, expiration, seats and a reason; what the draft
 * breaks is said as it is typed and submit waits until it is fixed; the API's refusal (409, 422)
 * is shown in words.
 */
export function ModifyLicenseDialog({ license, opened, onClose }: { license: License; opened: boolean; onClose: () => void }) {
  const initial: ModifyDraft = { status: license.status === 'Uninstalled' ? 'Active' : license.status, expiresOn: license.expiresOn, seats: license.seats, reason: '' };
  const [draft, setDraft] = useState<ModifyDraft>(initial);
  const today = todayUtc();
  const check = checkModification(license, draft, today);
  const queryClient = useQueryClient();
  const modify = useMutation({
    mutationFn: async () =>
      data(await api.PATCH('/licenses/{licenseId}', { params: { path: { licenseId: license.licenseId } }, body: { ...check.body!, revision: license.revision } })),
    onSuccess: async (updated) => {
      notifications.show({ color: 'green', title: 'License modified', message: `${updated.licenseName} is at revision ${updated.revision}.` });
      await queryClient.invalidateQueries({ queryKey: ['license', license.licenseId] });
      await queryClient.invalidateQueries({ queryKey: ['licenses'] });
      close();
    },
  });
  const close = () => {
    setDraft(initial);
    modify.reset();
    onClose();
  };
  const problemOf = (field: string) => check.problems.filter((p) => p.field === field).map((p) => p.message).join(' ') || undefined;
  const site = draft.seats === null;

  return (
    <Modal opened={opened} onClose={close} title={`Modify License ${license.licenseName}`} size="lg">
      <Stack>
        <Alert variant="light" title="Rules" color="blue" role="note">
          <List size="sm" spacing={2}>
            {RULES.map((r) => (
              <List.Item key={r}>{r}</List.Item>
            ))}
          </List>
        </Alert>
        <Select
          label="Status"
          allowDeselect={false}
          data={['Trial', 'Active', 'Suspended']}
          value={draft.status}
          onChange={(v) => setDraft({ ...draft, status: (v ?? draft.status) as ModifiableStatus })}
          error={problemOf('status')}
        />
        <Stack gap={4}>
          <DateInput
            label="Expires on"
            description="Empty: does not expire"
            placeholder="Does not expire"
            valueFormat="YYYY-MM-DD"
            clearable
            value={draft.expiresOn}
            onChange={(v) => setDraft({ ...draft, expiresOn: v || null })}
            error={problemOf('expiresOn')}
          />
          <Group gap="xs">
            <Button size="compact-xs" variant="default" onClick={() => setDraft({ ...draft, expiresOn: addDays(today, 30) })}>
              In 30 days
            </Button>
            <Button size="compact-xs" variant="default" onClick={() => setDraft({ ...draft, expiresOn: addDays(today, TRIAL_MAX_DAYS) })}>
              In {TRIAL_MAX_DAYS} days
            </Button>
            <Button size="compact-xs" variant="default" onClick={() => setDraft({ ...draft, expiresOn: null })}>
              Never
            </Button>
          </Group>
        </Stack>
        <Switch label="Site license (every user of the org)" checked={site} onChange={(e) => setDraft({ ...draft, seats: e.currentTarget.checked ? null : (license.seats ?? 10) })} />
        {!site && (
          <NumberInput
            label="Seats"
            description={`${license.usedLicenses ?? 0} in use`}
            min={1}
            allowDecimal={false}
            value={draft.seats ?? ''}
            onChange={(v) => setDraft({ ...draft, seats: typeof v === 'number' ? v : Number.NaN })}
            error={problemOf('seats')}
          />
        )}
        <Textarea label="Reason" description="Kept in the audit timeline" required autosize minRows={2} value={draft.reason} onChange={(e) => setDraft({ ...draft, reason: e.currentTarget.value })} error={draft.reason ? problemOf('reason') : undefined} />
        {check.problems
          .filter((p) => p.field === 'license' && draft.reason)
          .map((p) => (
            <Text key={p.message} size="sm" c="red">
              {p.message}
            </Text>
          ))}
        {check.notes.map((n) => (
          <Text key={n} size="sm" c="dimmed">
            {n}
          </Text>
        ))}
        {modify.error ? <ProblemAlert error={modify.error} /> : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button onClick={() => modify.mutate()} disabled={!check.body} loading={modify.isPending}>
            Save changes
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
