import { lazy, Suspense } from 'react';
import { Redirect, Route, Router, Switch } from 'wouter';
import { useLiveEvents } from './api/live-events';
import { useSession } from './api/session-store';
import { Loading } from './ui/components';
import { Layout } from './ui/layout';
import { PasswordPage } from './screens/sign-in/password-page';
import { SignInPage } from './screens/sign-in/sign-in-page';
import InboxPage from './screens/inbox/inbox-page';

// The inbox is where everyone lands: it ships with the shell, so its lists are asked for as soon as
// the session is known. Every other area is a chunk of its own, loaded when opened.
const ThreadPage = lazy(() => import('./screens/thread/thread-page'));
const ComposePage = lazy(() => import('./screens/compose/compose-page'));
const ClientsPage = lazy(() => import('./screens/clients/clients-page'));
const ClientFilePage = lazy(() => import('./screens/clients/client-file-page'));
const DiscussionsPage = lazy(() => import('./screens/discussions/discussions-page'));
const DiscussionPage = lazy(() => import('./screens/discussions/discussion-page'));
const NewDiscussionPage = lazy(() => import('./screens/discussions/new-discussion-page'));
const QuarantinePage = lazy(() => import('./screens/quarantine/quarantine-page'));
const QuarantineItemPage = lazy(() => import('./screens/quarantine/quarantine-item-page'));
const AdminPage = lazy(() => import('./screens/admin/admin-page'));
const PortalRoutes = lazy(() => import('./screens/portal/portal-routes'));

/** The console's routes, under /console (the API serves index.html for each). */
export function App() {
  const session = useSession();
  useLiveEvents(Boolean(session));

  return (
    <Router base="/console">
      <Switch>
        <Route path="/password" component={PasswordPage} />
        <Route>
          {session === undefined ? (
            <main className="centered">
              <Loading />
            </main>
          ) : session === null ? (
            <SignInPage />
          ) : (
            <Layout session={session}>
              <Suspense fallback={<Loading />}>
                {session.account.kind !== 'collaborator' ? (
                  <PortalRoutes />
                ) : (
                <Switch>
                  <Route path="/" component={InboxPage} />
                  <Route path="/messages/:id" component={ThreadPage} />
                  <Route path="/clients" component={ClientsPage} />
                  <Route path="/clients/:id" component={ClientFilePage} />
                  <Route path="/clients/:id/compose" component={ComposePage} />
                  <Route path="/discussions" component={DiscussionsPage} />
                  <Route path="/discussions/new" component={NewDiscussionPage} />
                  <Route path="/discussions/:id" component={DiscussionPage} />
                  <Route path="/quarantine" component={QuarantinePage} />
                  <Route path="/quarantine/:id" component={QuarantineItemPage} />
                  <Route path="/admin" nest component={AdminPage} />
                  <Route>
                    <Redirect to="/" />
                  </Route>
                </Switch>
                )}
              </Suspense>
            </Layout>
          )}
        </Route>
      </Switch>
    </Router>
  );
}
