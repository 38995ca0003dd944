import { AppShell, Burger, Button, Group, NavLink, Text, ActionIcon, useMantineColorScheme, useComputedColorScheme, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link, Outlet, useLocation } from 'react-router';
import { useAuth } from '../auth';

const NAV: { to: string; label: string; permission: string }[] = [
  { to: '/', label: 'Dashboard', permission: 'licenses:read' },
  { to: '/licenses', label: 'Licenses', permission: 'licenses:read' },
  { to: '/onboardings', label: 'Onboardings', permission: 'licenses:read' },
  { to: '/packages', label: 'Packages', permission: 'packages:read' },
  { to: '/leads', label: 'Leads', permission: 'leads:read' },
  { to: '/accounts', label: 'Accounts', permission: 'accounts:read' },
  { to: '/contacts', label: 'Contacts', permission: 'contacts:read' },
  { to: '/alerts', label: 'Alerts', permission: 'notification-rules:read' },
  { to: '/admin', label: 'Administration', permission: 'admin' },
];

/** The frame of every page: navigation (what the person may read), theme switch, who is signed in. */
export function Shell() {
  const [opened, { toggle, close }] = useDisclosure();
  const auth = useAuth();
  const { pathname } = useLocation();
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light');
  const name = (auth.user.profile.name ?? auth.user.profile.email ?? auth.user.profile.sub) as string;
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
            <Text fw={700}>LMA console</Text>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <Tooltip label={scheme === 'dark' ? 'Light theme' : 'Dark theme'}>
              <ActionIcon variant="default" aria-label={scheme === 'dark' ? 'Switch to the light theme' : 'Switch to the dark theme'} onClick={() => setColorScheme(scheme === 'dark' ? 'light' : 'dark')}>
                {scheme === 'dark' ? '☀' : '☾'}
              </ActionIcon>
            </Tooltip>
            <Text size="sm" visibleFrom="xs" data-testid="signed-in-as">
              {name}
            </Text>
            <Button size="xs" variant="default" onClick={() => void auth.signOut()}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main">
        {NAV.filter((n) => auth.can(n.permission)).map((n) => (
          <NavLink key={n.to} component={Link} to={n.to} label={n.label} onClick={close} active={n.to === '/' ? pathname === '/' : pathname.startsWith(n.to)} />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
