import { createBrowserRouter } from 'react-router';
import { Shell } from './components/Shell';
import { LicensesPage } from './pages/Licenses';
import { LicensePage } from './pages/License';
import { DashboardPage } from './pages/Dashboard';
import { OnboardingsPage } from './pages/Onboardings';
import { PackagesPage, PackagePage } from './pages/Packages';
import { NotFoundPage } from './pages/NotFound';
import { AdminPage } from './pages/Admin';
import { AlertsPage } from './pages/Alerts';
import { AccountPage, AccountsPage, ContactPage, ContactsPage, LeadPage, LeadsPage } from './pages/People';

/** Made once signed in: the sign-in callback has put the wanted page back in the address bar by then. */
export const createRouter = () =>
  createBrowserRouter([
  {
    path: '/',
    element: <Shell />,
    children: [
      { index: true, element: <DashboardPage /> },
      { path: 'licenses', element: <LicensesPage /> },
      { path: 'licenses/:licenseId', element: <LicensePage /> },
      { path: 'onboardings', element: <OnboardingsPage /> },
      { path: 'packages', element: <PackagesPage /> },
      { path: 'packages/:packageId', element: <PackagePage /> },
      { path: 'leads', element: <LeadsPage /> },
      { path: 'leads/:leadId', element: <LeadPage /> },
      { path: 'accounts', element: <AccountsPage /> },
      { path: 'accounts/:accountId', element: <AccountPage /> },
      { path: 'contacts', element: <ContactsPage /> },
      { path: 'contacts/:contactId', element: <ContactPage /> },
      { path: 'alerts', element: <AlertsPage /> },
      { path: 'admin', element: <AdminPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
