import {
  Alert,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Loader,
  Modal,
  NumberInput,
  Paper,
  Select,
  Stack,
  Switch,
  TagsInput,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMediaQuery } from '@mantine/hooks';
import { notifications as toasts } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, api, data } from '../api/client';
import { useAuth } from '../auth';
import { ProblemAlert } from '../components/ProblemAlert';
import {
  RECIPIENT_ROLES,
  RULE_KINDS,
  TEMPLATE_FIELDS,
  createBody,
  emptyRule,
  formFieldOf,
  generateSecret,
  patchBody,
  validateRule,
  valuesOf,
  type Rule,
  type RuleKind,
  type RuleValues,
} from './ruleForm';

/** The rule as read, with the ETag a change is conditional on. */
export async function readRule(ruleId: string): Promise<{ rule: Rule; etag: string }> {
  const r = await api.GET('/notification-rules/{ruleId}', { params: { path: { ruleId } } });
  const rule = data(r);
  return { rule, etag: r.response.headers.get('etag') ?? `"${rule.revision}"` };
}

/** Creates a rule (`ruleId` null) or changes one, in a dialog (full screen on a phone). */
export function RuleDialog({ ruleId, onClose }: { ruleId: string | null; onClose: () => void }) {
  const phone = useMediaQuery('(max-width: 36em)');
  const current = useQuery({ queryKey: ['notification-rule', ruleId], queryFn: () => readRule(ruleId!), enabled: ruleId !== null, staleTime: 0, gcTime: 0 });
  return (
    <Modal opened onClose={onClose} title={ruleId ? 'Edit the rule' : 'New notification rule'} size="xl" fullScreen={phone}>
      {ruleId === null ? (
        <RuleForm current={null} onDone={onClose} reload={() => undefined} />
      ) : current.error ? (
        <ProblemAlert error={current.error} />
      ) : current.data ? (
        // a reloaded rule (new ETag) starts the form again from what is stored now
        <RuleForm key={current.data.etag} current={current.data} onDone={onClose} reload={() => void current.refetch()} />
      ) : (
        <Loader size="sm" aria-label="Loading the rule" />
      )}
    </Modal>
  );
}

function RuleForm({ current, onDone, reload }: { current: { rule: Rule; etag: string } | null; onDone: () => void; reload: () => void }) {
  const queryClient = useQueryClient();
  const rule = current?.rule ?? null;
  const form = useForm<RuleValues>({ initialValues: rule ? valuesOf(rule) : emptyRule(), validate: validateRule });
  const [unchanged, setUnchanged] = useState(false);
  // suggestions from the team directory for those who may read it; others type the ids
  const auth = useAuth();
  const team = useQuery({
    queryKey: ['team-members', 'active'],
    queryFn: async () => data(await api.GET('/team-members', { params: { query: { active: 'true', limit: 200 } } })),
    enabled: auth.can('team:read'),
  });
  const save = useMutation({
    mutationFn: async (v: RuleValues) => {
      if (!current) return data(await api.POST('/notification-rules', { body: createBody(v) }));
      const body = patchBody(current.rule, v);
      return data(
        await api.PATCH('/notification-rules/{ruleId}', {
          params: { path: { ruleId: current.rule.ruleId }, header: { 'If-Match': current.etag } },
          body,
        }),
      );
    },
    onError: (err) => {
      // each field the API names gets its reason beside it too
      if (!(err instanceof ApiError)) return;
      const errors: Record<string, string> = {};
      for (const e of err.problem.errors ?? []) {
        const field = formFieldOf(e.field);
        if (field) errors[field] = errors[field] ? `${errors[field]}; ${e.reason}` : e.reason;
      }
      form.setErrors(errors);
    },
    onSuccess: async (saved) => {
      toasts.show({ color: 'green', message: `Rule ${saved.name} saved.` });
      await queryClient.invalidateQueries({ queryKey: ['notification-rules'] });
      onDone();
    },
  });
  const submit = form.onSubmit((v) => {
    if (rule && Object.keys(patchBody(rule, v)).length === 0) return setUnchanged(true);
    setUnchanged(false);
    save.mutate(v);
  });
  const v = form.getValues();
  const stale = save.error instanceof ApiError && (save.error.status === 412 || save.error.status === 409);

  return (
    <form onSubmit={submit} aria-label={rule ? `Edit ${rule.name}` : 'New rule'} noValidate>
      <Stack>
        <Group grow align="start" wrap="wrap">
          <TextInput label="Name" withAsterisk {...form.getInputProps('name')} />
          <Select
            label="Kind"
            withAsterisk
            allowDeselect={false}
            data={RULE_KINDS}
            disabled={rule !== null}
            description={rule ? 'A rule keeps the kind it was made with' : 'What the alert is about'}
            {...form.getInputProps('kind')}
            onChange={(k) => form.setFieldValue('kind', (k ?? 'license-expiring') as RuleKind)}
          />
        </Group>
        <Group grow align="start" wrap="wrap">
          <TextInput label="Package id" placeholder="Every package" description="Empty: the rule applies to every package" {...form.getInputProps('packageId')} />
          <Switch label="Switched on" mt="lg" {...form.getInputProps('enabled', { type: 'checkbox' })} />
        </Group>
        {v.kind === 'license-expiring' && (
          <TagsInput
            label="Stages (days before expiry)"
            description="One alert per stage, from midnight UTC that many days before the expiration date (1 to 365). Type a number and press Enter."
            withAsterisk
            {...form.getInputProps('stages')}
          />
        )}
        {v.kind === 'onboarding-parked' && (
          <NumberInput label="Minutes parked before the alert" withAsterisk min={1} allowDecimal={false} {...form.getInputProps('parkedMinutes')} />
        )}

        <Title order={3} size="h5">
          Recipients
        </Title>
        {form.errors['recipients'] ? (
          <Text c="red" size="sm" role="alert">
            {form.errors['recipients']}
          </Text>
        ) : null}
        <TagsInput label="Emails" description="Type an address and press Enter; all of them get one mail" {...form.getInputProps('emails')} />
        <Checkbox.Group label="Every active team member with one of these roles" {...form.getInputProps('roles')}>
          <Group mt={4} wrap="wrap">
            {RECIPIENT_ROLES.map((r) => (
              <Checkbox key={r} value={r} label={r} />
            ))}
          </Group>
        </Checkbox.Group>
        <TagsInput
          label="Team members (ids)"
          description={team.data ? 'Each must be in the team directory: type to pick an active member' : 'Each must be in the team directory'}
          data={team.data?.items.filter((m) => m.active).map((m) => m.id) ?? []}
          {...form.getInputProps('teamMemberIds')}
        />
        <Checkbox label="The package's lead manager (for new leads: the lead's owner)" {...form.getInputProps('leadManager', { type: 'checkbox' })} />
        <Webhooks form={form} />

        <TextInput label="Subject" withAsterisk {...form.getInputProps('subject')} />
        <Textarea label="Body" withAsterisk autosize minRows={3} {...form.getInputProps('body')} />
        <Text size="xs" c="dimmed">
          Template fields, written {'{{field}}'}: ruleName, occurredAt, {TEMPLATE_FIELDS[v.kind]}.
        </Text>

        {unchanged && (
          <Alert color="gray" role="status">
            Nothing changed.
          </Alert>
        )}
        {save.error ? (
          <Stack gap="xs">
            <ProblemAlert error={save.error} />
            {stale && (
              <Group>
                <Text size="sm">Someone changed this rule after you opened it; your changes are not saved.</Text>
                <Button variant="light" onClick={reload}>
                  Load the current rule
                </Button>
              </Group>
            )}
          </Stack>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            {rule ? 'Save changes' : 'Create rule'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

type Form = ReturnType<typeof useForm<RuleValues>>;

/**
 * Webhook targets and their signing secrets. Rotation: generate a new secret beside the current
 * one and save (every delivery is then signed with both); once the receiver uses the new one,
 * drop the old one and save.
 */
function Webhooks({ form }: { form: Form }) {
  const webhooks = form.getValues().webhooks;
  return (
    <Stack gap="xs">
      <Text fw={500} size="sm">
        Webhooks
      </Text>
      <Text size="xs" c="dimmed">
        Each delivery is signed (Standard Webhooks) with every secret of its webhook. To rotate a secret without downtime, generate a new one beside the current one and
        save; once the receiver uses the new one, drop the old one and save. LMA keeps secrets write-only: a secret it holds shows its last 4 characters and is
        kept as it is.
      </Text>
      {webhooks.map((w, i) => (
        <Paper key={form.key(`webhooks.${i}`)} withBorder p="sm" aria-label={`Webhook ${w.id || i + 1}`} role="group">
          <Stack gap="xs">
            <Group grow align="start" wrap="wrap">
              <TextInput label="Webhook id" withAsterisk {...form.getInputProps(`webhooks.${i}.id`)} />
              <TextInput label="URL" withAsterisk placeholder="https://" {...form.getInputProps(`webhooks.${i}.url`)} />
            </Group>
            {form.errors[`webhooks.${i}.secrets`] ? (
              <Text c="red" size="sm" role="alert">
                {form.errors[`webhooks.${i}.secrets`]}
              </Text>
            ) : null}
            {w.secrets.map((s, j) => (
              <Group key={form.key(`webhooks.${i}.secrets.${j}`)} align="end" wrap="nowrap">
                {s.hint === null ? (
                  <Stack gap={2} style={{ flex: 1, minWidth: 0 }}>
                    <Text size="sm" fw={500}>
                      New secret (shown only now: give it to the receiver)
                    </Text>
                    <Group gap="xs" wrap="nowrap">
                      <Code style={{ overflowWrap: 'anywhere' }} data-testid="new-secret">
                        {s.value}
                      </Code>
                      <CopyButton value={s.value}>
                        {({ copied, copy }) => (
                          <Button size="compact-sm" variant="light" onClick={copy}>
                            {copied ? 'Copied' : 'Copy'}
                          </Button>
                        )}
                      </CopyButton>
                    </Group>
                  </Stack>
                ) : (
                  <Stack gap={2} style={{ flex: 1, minWidth: 0 }}>
                    <Text size="sm">Secret ending …{s.hint} (held by LMA)</Text>
                    {form.errors[`webhooks.${i}.secrets.${j}`] ? (
                      <Text c="red" size="sm" role="alert">
                        {form.errors[`webhooks.${i}.secrets.${j}`]}
                      </Text>
                    ) : null}
                  </Stack>
                )}
                <Button
                  variant="subtle"
                  color="red"
                  aria-label={s.hint ? `Drop the secret ending …${s.hint}` : 'Drop the new secret'}
                  onClick={() => form.removeListItem(`webhooks.${i}.secrets`, j)}
                >
                  Drop
                </Button>
              </Group>
            ))}
            <Group>
              <Button
                size="compact-sm"
                variant="light"
                disabled={w.secrets.length >= 3}
                onClick={() => form.insertListItem(`webhooks.${i}.secrets`, { hint: null, value: generateSecret() }, 0)}
              >
                Generate a new secret
              </Button>
              <Button size="compact-sm" variant="subtle" color="red" onClick={() => form.removeListItem('webhooks', i)}>
                Remove this webhook
              </Button>
            </Group>
          </Stack>
        </Paper>
      ))}
      <Group>
        <Button variant="light" size="compact-sm" onClick={() => form.insertListItem('webhooks', { id: '', url: '', secrets: [{ hint: null, value: generateSecret() }] })}>
          Add a webhook
        </Button>
      </Group>
    </Stack>
  );
}
