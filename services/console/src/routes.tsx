import { Suspense, lazy, type ComponentType } from 'react';
import { Center, Loader } from '@mantine/core';
import { createBrowserRouter } from 'react-router';
import { Shell } from './components/Shell';

/**
 * A page loaded with its own chunk when it is first shown (React.lazy): the first page a person
 * opens fetches the shell and that page only (docs/console.md, Bundle).
 */
function page<M>(load: () => Promise<M>, pick: (m: M) => ComponentType) {
  const Page = lazy(async () => ({ default: pick(await load()) }));
  return (
    <Suspense
      fallback={
        <Center mih={200}>
          <Loader aria-label="Loading the page" />
        </Center>
      }
    >
      <Page />
    </Suspense>
  );
}

/** Made once signed in: the sign-in callback has put the wanted page back in the address bar by then. */
export const createRouter = () =>
  createBrowserRouter([
  {
    path: '/',
    element: <Shell />,
    children: [
      { index: true, element: page(() => import('./pages/Dashboard'), (m) => m.DashboardPage) },
      { path: 'licenses', element: page(() => import('./pages/Licenses'), (m) => m.LicensesPage) },
      { path: 'licenses/:licenseId', element: page(() => import('./pages/License'), (m) => m.LicensePage) },
      { path: 'onboardings', element: page(() => import('./pages/Onboardings'), (m) => m.OnboardingsPage) },
      { path: 'packages', element: page(() => import('./pages/Packages'), (m) => m.PackagesPage) },
      { path: 'packages/:packageId', element: page(() => import('./pages/Packages'), (m) => m.PackagePage) },
      { path: 'leads', element: page(() => import('./pages/People'), (m) => m.LeadsPage) },
      { path: 'leads/:leadId', element: page(() => import('./pages/People'), (m) => m.LeadPage) },
      { path: 'accounts', element: page(() => import('./pages/People'), (m) => m.AccountsPage) },
      { path: 'accounts/:accountId', element: page(() => import('./pages/People'), (m) => m.AccountPage) },
      { path: 'contacts', element: page(() => import('./pages/People'), (m) => m.ContactsPage) },
      { path: 'contacts/:contactId', element: page(() => import('./pages/People'), (m) => m.ContactPage) },
      { path: 'alerts', element: page(() => import('./pages/Alerts'), (m) => m.AlertsPage) },
      { path: 'admin', element: page(() => import('./pages/Admin'), (m) => m.AdminPage) },
      { path: '*', element: page(() => import('./pages/NotFound'), (m) => m.NotFoundPage) },
    ],
  },
]);
