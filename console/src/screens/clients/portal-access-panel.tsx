import { type FormEvent, useState } from 'react';
import { type RightsTemplate, useRightsTemplates } from '../../api/admin';
import { useClientAccounts } from '../../api/clients';
import { can, useSession } from '../../api/session-store';
import { AccountFields, EMPTY_ACCOUNT, InviteButton, useCreateAccount, useInvitation } from '../../ui/account-form';
import { Checkbox, ErrorNote, Loading } from '../../ui/components';
import { KIND_LABEL } from '../../ui/words';

/** Accounts of a client file are its own people: the client, or a secretariat acting for it. */
const FILE_KINDS = new Set(['client', 'secretary']);

const CREATE_REFUSALS = {
  user_email_taken: 'Cette adresse e-mail est déjà celle d’un compte de la société',
  permission_denied: 'Ce modèle donne des permissions que vous n’avez pas',
};

/**
 * « Accès au portail »: the accounts that sign in to this client file's portal, for `accounts.read`;
 * invitations and a new account for `accounts.manage` (the API still decides).
 */
export function PortalAccessPanel({ clientId }: { clientId: string }) {
  const session = useSession();
  const manage = can(session, 'accounts.manage');
  const accounts = useClientAccounts(clientId, can(session, 'accounts.read'));
  const templates = useRightsTemplates(manage);
  if (!can(session, 'accounts.read')) return null;
  return (
    <section className="panel" aria-labelledby="portal-access-title">
      <h2 id="portal-access-title">Accès au portail</h2>
      {accounts.isPending ? <Loading /> : null}
      <ErrorNote error={accounts.error} />
      {accounts.data && accounts.data.items.length === 0 ? <p className="muted">Aucun compte pour ce dossier.</p> : null}
      {accounts.data && accounts.data.items.length > 0 ? (
        <table className="copies" aria-label="Comptes du portail">
          <thead>
            <tr>
              <th scope="col">Nom</th>
              <th scope="col">E-mail</th>
              <th scope="col">Type</th>
              <th scope="col">État</th>
              {manage ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {accounts.data.items.map((user) => (
              <tr key={user.id} data-testid="portal-account">
                <td>{`${user.firstName} ${user.lastName}`.trim()}</td>
                <td>{user.email}</td>
                <td>{KIND_LABEL[user.kind] ?? user.kind}</td>
                <td>{user.active ? 'Actif' : 'Désactivé'}</td>
                {manage ? (
                  <td>
                    <InviteButton user={user} />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {manage ? <ErrorNote error={templates.error} title="Modèles de droits indisponibles" /> : null}
      {manage && templates.data ? <NewPortalAccount clientId={clientId} templates={templates.data.filter((t) => FILE_KINDS.has(t.kind))} /> : null}
    </section>
  );
}

/** A client or secretary account for this file; with « Envoyer l’invitation », its password link goes out at once. */
function NewPortalAccount({ clientId, templates }: { clientId: string; templates: RightsTemplate[] }) {
  const [draft, setDraft] = useState(EMPTY_ACCOUNT);
  const [invite, setInvite] = useState(true);
  const [done, setDone] = useState<string | null>(null);
  const create = useCreateAccount([['client', clientId, 'accounts'], ['admin', 'users'], ['users']]);
  const invitation = useInvitation();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    invitation.reset();
    create.mutate(
      { ...draft, clientId },
      {
        onSuccess: (user) => {
          setDraft(EMPTY_ACCOUNT);
          if (invite) invitation.mutate(user.id, { onSuccess: () => setDone(`Compte créé ; invitation envoyée à ${user.email}.`) });
          else setDone(`Compte créé pour ${user.email}.`);
        },
      },
    );
  };
  return (
    <form aria-labelledby="new-portal-account-title" onSubmit={submit}>
      <h3 id="new-portal-account-title">Nouveau compte du portail</h3>
      <AccountFields draft={draft} onChange={setDraft} templates={templates} />
      <Checkbox label="Envoyer l’invitation" checked={invite} onChange={setInvite} />
      <ErrorNote error={create.error} title="Compte non créé" explain={CREATE_REFUSALS} />
      <ErrorNote error={invitation.error} title="Compte créé, mais invitation non envoyée" />
      <p role="status" aria-live="polite">
        {done}
      </p>
      <div className="actions">
        <button type="submit" disabled={create.isPending || invitation.isPending}>
          Créer le compte
        </button>
      </div>
    </form>
  );
}
