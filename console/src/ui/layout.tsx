import type { ComponentType, ReactNode } from 'react';
import { useDiscussionCounts } from '../api/discussions';
import { Link, useRoute } from 'wouter';
import { signOut } from '../api/session';
import { can, type Session } from '../api/session-store';
import { useBanner } from '../api/settings';
import { ADMIN_PERMISSIONS } from '../screens/admin/sections';

interface NavItem {
  href: string;
  label: string;
  /** One permission, or several of which any opens the area; none when every account may open it. */
  permission?: string | string[];
  /** Client-side accounts (client, secretary) see the portal's entries only; collaborators the others. */
  portal?: boolean;
  /** What the entry counts, shown beside its label (mounted only when the entry is shown). */
  Count?: ComponentType;
}

/** The discussions NEW for the caller (the live events keep the count fresh). */
function NewDiscussions() {
  const count = useDiscussionCounts().data?.new ?? 0;
  if (count === 0) return null;
  return (
    <span className="count" data-testid="new-discussions">
      <span aria-hidden="true">{count}</span>
      <span className="sr-only">{count === 1 ? ' (1 nouvelle)' : ` (${count} nouvelles)`}</span>
    </span>
  );
}

/** The areas, each shown only to accounts holding its permission (the API still refuses the rest). */
const NAV: NavItem[] = [
  { href: '/', label: 'Boîte de réception', permission: 'messages.read' },
  { href: '/clients', label: 'Dossiers clients', permission: 'clients.read' },
  { href: '/discussions', label: 'Discussions', permission: 'notes.read', Count: NewDiscussions },
  { href: '/quarantine', label: 'Quarantaine', permission: 'quarantine.triage' },
  { href: '/admin', label: 'Administration', permission: ADMIN_PERMISSIONS },
  { href: '/', label: 'Mes messages', permission: 'messages.read', portal: true },
  { href: '/interventions', label: 'Interventions', permission: 'exchanges.read', portal: true },
  { href: '/discussions', label: 'Discussions', portal: true },
];

function NavLink({ item }: { item: NavItem }) {
  const [active] = useRoute(item.href === '/' ? '/' : `${item.href}/*?`);
  return (
    <Link href={item.href} aria-current={active ? 'page' : undefined}>
      {item.label}
      {item.Count ? <item.Count /> : null}
    </Link>
  );
}

function Banner() {
  const banner = useBanner();
  if (!banner.data?.text) return null;
  return (
    <aside className="banner" role="note" aria-label="Bandeau d’information">
      {banner.data.text}
    </aside>
  );
}

export function Layout({ session, children }: { session: Session; children: ReactNode }) {
  const { account } = session;
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Aller au contenu
      </a>
      <header className="top">
        <strong className="brand">Relais</strong>
        <nav aria-label="Navigation principale">
          {NAV.filter((item) => Boolean(item.portal) === (account.kind !== 'collaborator') && (!item.permission || [item.permission].flat().some((p) => can(session, p)))).map((item) => (
            <NavLink key={item.href} item={item} />
          ))}
        </nav>
        <div className="who">
          <span>
            {account.firstName} {account.lastName} · {account.company.name}
          </span>
          <button type="button" onClick={() => void signOut()}>
            Se déconnecter
          </button>
        </div>
      </header>
      <Banner />
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
