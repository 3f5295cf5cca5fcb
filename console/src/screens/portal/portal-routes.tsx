import { lazy } from 'react';
import { Redirect, Route, Switch } from 'wouter';
import { useSession } from '../../api/session-store';

const PortalHome = lazy(() => import('./portal-home'));
const PortalThread = lazy(() => import('./portal-thread'));
const PortalInterventions = lazy(() => import('./portal-interventions'));
const PortalIntervention = lazy(() => import('./portal-intervention'));
const PortalDiscussions = lazy(() => import('./portal-discussions'));
const PortalDiscussion = lazy(() => import('./portal-discussion'));

/**
 * What a portal account opens: a client-side account (client or secretary) its own file's messages,
 * interventions and discussions; a worker (intervenant), who has no file, its discussions.
 */
export default function PortalRoutes() {
  const worker = useSession()?.account.kind === 'worker';
  return (
    <Switch>
      <Route path="/discussions" component={PortalDiscussions} />
      <Route path="/discussions/:id" component={PortalDiscussion} />
      {worker ? <Redirect to="/discussions" /> : null}
      <Route path="/" component={PortalHome} />
      <Route path="/messages/:id" component={PortalThread} />
      <Route path="/interventions" component={PortalInterventions} />
      <Route path="/interventions/:id" component={PortalIntervention} />
      <Route>
        <Redirect to="/" />
      </Route>
    </Switch>
  );
}
