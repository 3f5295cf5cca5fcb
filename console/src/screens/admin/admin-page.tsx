import { lazy, Suspense } from 'react';
import { Link, Redirect, Route, Switch, useRoute } from 'wouter';
import { can, useSession } from '../../api/session-store';
import { Loading } from '../../ui/components';
import { ADMIN_SECTIONS, type AdminSection } from './sections';

const UsersSection = lazy(() => import('./users-section'));
const StructuresSection = lazy(() => import('./structures-section'));
const OutboundTemplatesSection = lazy(() => import('./outbound-templates-section'));
const ContentSection = lazy(() => import('./content-section'));
const ChannelsSection = lazy(() => import('./channels-section'));
const OptOutsSection = lazy(() => import('./opt-outs-section'));
const RoutingSection = lazy(() => import('./routing-section'));

const SCREENS: Record<AdminSection['path'], React.ComponentType> = {
  '/users': UsersSection,
  '/structures': StructuresSection,
  '/outbound-templates': OutboundTemplatesSection,
  '/content': ContentSection,
  '/channels': ChannelsSection,
  '/opt-outs': OptOutsSection,
  '/routing': RoutingSection,
};

function Tab({ section }: { section: AdminSection }) {
  const [active] = useRoute(section.path);
  return (
    <Link href={section.path} aria-current={active ? 'page' : undefined}>
      {section.label}
    </Link>
  );
}

/** Administration, under /admin: each section shown to the accounts holding its permission. */
export default function AdminPage() {
  const session = useSession();
  const sections = ADMIN_SECTIONS.filter((s) => s.permissions.some((p) => can(session, p)));
  if (sections.length === 0) return <p role="alert">Aucune section d’administration n’est ouverte à votre compte.</p>;
  return (
    <section aria-labelledby="admin-title">
      <h1 id="admin-title">Administration</h1>
      <nav className="tabs" aria-label="Sections d’administration">
        {sections.map((s) => (
          <Tab key={s.path} section={s} />
        ))}
      </nav>
      <Suspense fallback={<Loading />}>
        <Switch>
          {sections.map((s) => (
            <Route key={s.path} path={s.path} component={SCREENS[s.path]} />
          ))}
          <Route>
            <Redirect to={sections[0].path} />
          </Route>
        </Switch>
      </Suspense>
    </section>
  );
}
