import { Alert, Stack, Tabs, Title } from '@mantine/core';
import { HistoryPanel } from '../alerts/HistoryPanel';
import { RuleDialog } from '../alerts/RuleDialog';
import { RulesPanel } from '../alerts/RulesPanel';
import { useListParams } from '../components/ListTable';
import { useAuth } from '../auth';

/**
 * Alerts: the notification rules (created, edited, switched off and deleted with
 * notification-rules:edit) and the history of what was sent, with each delivery attempt and
 * resend. The tab, its filters and page, and an open rule (`rule=new` or its id) are in the URL.
 */
export function AlertsPage() {
  const auth = useAuth();
  const { get, set, replace } = useListParams();
  const tab = get('tab') === 'history' ? 'history' : 'rules';
  const open = get('rule');
  return (
    <Stack>
      <Title order={1}>Alerts</Title>
      {/* each tab has its own filters: switching starts the other one afresh */}
      <Tabs value={tab} onChange={(t) => replace(t === 'history' ? { tab: 'history' } : {})} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="rules">Notification rules</Tabs.Tab>
          <Tabs.Tab value="history">History</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="rules" pt="md">
          <RulesPanel />
        </Tabs.Panel>
        <Tabs.Panel value="history" pt="md">
          <HistoryPanel />
        </Tabs.Panel>
      </Tabs>
      {open && tab === 'rules' && auth.can('notification-rules:edit') && <RuleDialog ruleId={open === 'new' ? null : open} onClose={() => set({ rule: null }, true)} />}
      {open && !auth.can('notification-rules:edit') && (
        <Alert color="red" title="Not allowed" role="alert">
          You do not have the permission notification-rules:edit, so you cannot create or change rules. Ask an administrator if you need it.
        </Alert>
      )}
    </Stack>
  );
}
