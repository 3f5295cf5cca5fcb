import { useUsers } from '../../api/clients';
import { can, useSession } from '../../api/session-store';

/** Names of accounts by id: the caller itself, and the others when it may list accounts. */
export function useAuthorNames(): (id: string | null) => string {
  const session = useSession();
  const users = useUsers(can(session, 'accounts.read'));
  const names = new Map((users.data?.items ?? []).map((u) => [u.id, `${u.firstName} ${u.lastName}`]));
  return (id) => {
    if (!id) return 'Inconnu';
    if (id === session?.account.id) return `${session.account.firstName} ${session.account.lastName}`;
    return names.get(id) ?? 'Collaborateur';
  };
}
