import { type FormEvent, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { nullableText, type RightsTemplate, type User, useAllUsers, useRightsTemplates, useWrite } from '../../api/admin';
import { can, useSession } from '../../api/session-store';
import { ErrorNote, Field, Loading } from '../../ui/components';
import { formatDateTime } from '../../ui/format';
import { AccountFields, EMPTY_ACCOUNT, InviteButton, useCreateAccount } from '../../ui/account-form';
import { ManagedItem } from '../../ui/managed-item';
import { KIND_LABEL } from '../../ui/words';
import { NewTemplate, RightsTemplates } from './rights-templates';

/** Accounts with their rights template; apply another template; edit, invite, deactivate; the templates. */
export default function UsersSection() {
  const session = useSession();
  const users = useAllUsers();
  const templates = useRightsTemplates(can(session, 'rights.manage') || can(session, 'accounts.manage'));
  const byId = new Map((templates.data ?? []).map((t) => [t.id, t]));
  return (
    <>
      <section className="panel" aria-labelledby="users-title">
        <h2 id="users-title">Utilisateurs</h2>
        {users.isPending || templates.isLoading ? <Loading /> : null}
        <ErrorNote error={users.error} />
        {users.data && !templates.isLoading ? (
          <table className="copies" aria-label="Utilisateurs">
            <thead>
              <tr>
                <th scope="col">Nom</th>
                <th scope="col">E-mail</th>
                <th scope="col">Type</th>
                <th scope="col">Droits</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {users.data.items.map((user) => (
                <UserRow key={user.id} user={user} template={user.rightsTemplateId ? byId.get(user.rightsTemplateId) : undefined} templates={templates.data ?? []} />
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      {can(session, 'accounts.manage') && templates.data ? <NewUser templates={templates.data} /> : null}
      {templates.data ? <RightsTemplates templates={templates.data} manage={can(session, 'rights.manage')} /> : null}
      {can(session, 'rights.manage') ? <NewTemplate /> : null}
    </>
  );
}

function UserRow({ user, template, templates }: { user: User; template?: RightsTemplate; templates: RightsTemplate[] }) {
  const session = useSession();
  // The template picked here, until the operator picks none: the account's own otherwise.
  const [picked, setPicked] = useState<string | null>(null);
  const choice = picked ?? user.rightsTemplateId ?? '';
  const apply = useWrite((templateId: string) => unwrap(api.POST('/v1/rights-templates/{id}/apply', { params: { path: { id: templateId } }, body: { userId: user.id } })), [['admin', 'users']]);
  const activate = useWrite((active: boolean) => unwrap(api.PATCH('/v1/users/{id}', { params: { path: { id: user.id } }, body: { active } })), [['admin', 'users']]);
  const name = `${user.firstName} ${user.lastName}`;
  const fitting = templates.filter((t) => t.kind === user.kind);
  return (
    <tr data-testid="user-row">
      <td>
        {name}
        {user.active ? null : ' (désactivé)'}
      </td>
      <td>{user.email}</td>
      <td>{KIND_LABEL[user.kind] ?? user.kind}</td>
      <td>
        <span data-testid="user-template">{template?.name ?? 'Droits personnalisés'}</span>
        {user.rightsAppliedAt ? <small className="muted"> appliqué le {formatDateTime(user.rightsAppliedAt)}</small> : null}
      </td>
      <td>
        {can(session, 'rights.manage') ? (
          <form
            className="inline"
            onSubmit={(e: FormEvent) => {
              e.preventDefault();
              if (choice) apply.mutate(choice);
            }}
          >
            <select aria-label={`Modèle de droits pour ${name}`} value={choice} onChange={(e) => setPicked(e.target.value)}>
              <option value="">Choisir un modèle</option>
              {fitting.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
            <button type="submit" aria-label={`Appliquer le modèle à ${name}`} disabled={!choice || apply.isPending}>
              Appliquer
            </button>
            <ErrorNote error={apply.error} />
          </form>
        ) : null}
        {can(session, 'accounts.manage') ? <InviteButton user={user} /> : null}
        {can(session, 'accounts.manage') ? <EditUser user={user} name={name} /> : null}
        {can(session, 'accounts.manage') && user.id !== session?.account.id ? (
          <button type="button" aria-label={`${user.active ? 'Désactiver' : 'Réactiver'} ${name}`} disabled={activate.isPending} onClick={() => activate.mutate(!user.active)}>
            {user.active ? 'Désactiver' : 'Réactiver'}
          </button>
        ) : null}
        <ErrorNote error={activate.error} />
      </td>
    </tr>
  );
}

/** Name, email and mobile of an account, in place (a taken email is refused by the API: user_email_taken). */
function EditUser({ user, name }: { user: User; name: string }) {
  return (
    <ManagedItem
      as="div"
      name={`l’utilisateur ${name}`}
      stale={[['admin', 'users']]}
      edit={{
        start: () => ({ firstName: user.firstName, lastName: user.lastName, email: user.email, mobile: user.mobile ?? '' }),
        fields: (draft, change) => (
          <div className="grid">
            <Field label="Prénom">{(id) => <input id={id} required value={draft.firstName} onChange={(e) => change({ firstName: e.target.value })} />}</Field>
            <Field label="Nom">{(id) => <input id={id} value={draft.lastName} onChange={(e) => change({ lastName: e.target.value })} />}</Field>
            <Field label="Adresse e-mail">{(id) => <input id={id} type="email" required value={draft.email} onChange={(e) => change({ email: e.target.value })} />}</Field>
            <Field label="Mobile" hint="Vide : pas de mobile">
              {(id) => <input id={id} type="tel" value={draft.mobile} onChange={(e) => change({ mobile: e.target.value })} />}
            </Field>
          </div>
        ),
        save: ({ mobile, ...draft }) =>
          unwrap(api.PATCH('/v1/users/{id}', { params: { path: { id: user.id } }, body: { ...draft, mobile: nullableText(mobile.trim() || null) } })),
      }}
    />
  );
}

function NewUser({ templates }: { templates: RightsTemplate[] }) {
  const [form, setForm] = useState(EMPTY_ACCOUNT);
  const create = useCreateAccount([['admin', 'users']]);
  // Collaborators and field workers are the company's own people; client and secretary accounts
  // belong to a client file, whose page makes them.
  const staff = templates.filter((t) => t.kind === 'collaborator' || t.kind === 'worker');
  return (
    <form
      className="panel"
      aria-labelledby="new-user-title"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate(form, { onSuccess: () => setForm(EMPTY_ACCOUNT) });
      }}
    >
      <h2 id="new-user-title">Nouvel utilisateur</h2>
      <AccountFields draft={form} onChange={setForm} templates={staff} />
      <ErrorNote error={create.error} />
      <div className="actions">
        <button type="submit" disabled={create.isPending}>
          Créer l’utilisateur
        </button>
      </div>
    </form>
  );
}
