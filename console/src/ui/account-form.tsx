import type { QueryKey } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import { type RightsTemplate, type User, useWrite } from '../api/admin';
import { ErrorNote, Field } from './components';
import { KIND_LABEL } from './words';

/** What creating an account asks: the person, and the rights template that sets its kind and permissions. */
export interface AccountDraft {
  firstName: string;
  lastName: string;
  email: string;
  rightsTemplateId: string;
}

export const EMPTY_ACCOUNT: AccountDraft = { firstName: '', lastName: '', email: '', rightsTemplateId: '' };

/** The new-account fields; `templates` are those the screen offers (each named with its kind). */
export function AccountFields({ draft, onChange, templates }: { draft: AccountDraft; onChange: (next: AccountDraft) => void; templates: RightsTemplate[] }) {
  const set = (key: keyof AccountDraft) => (e: { target: { value: string } }) => onChange({ ...draft, [key]: e.target.value });
  return (
    <div className="grid">
      <Field label="Prénom">{(id) => <input id={id} required value={draft.firstName} onChange={set('firstName')} />}</Field>
      <Field label="Nom">{(id) => <input id={id} required value={draft.lastName} onChange={set('lastName')} />}</Field>
      <Field label="Adresse e-mail">{(id) => <input id={id} type="email" required value={draft.email} onChange={set('email')} />}</Field>
      <Field label="Modèle de droits">
        {(id) => (
          <select id={id} required value={draft.rightsTemplateId} onChange={set('rightsTemplateId')}>
            <option value="">Choisir</option>
            {templates.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name} ({KIND_LABEL[t.kind] ?? t.kind})
              </option>
            ))}
          </select>
        )}
      </Field>
    </div>
  );
}

/** POST /v1/users (a client or secretary account also names its client file); `stale`: the lists that show accounts. */
export function useCreateAccount(stale: QueryKey[]) {
  return useWrite((body: AccountDraft & { clientId?: string }) => unwrap(api.POST('/v1/users', { body })), stale);
}

/** Emails the account a link to set its password (valid 7 days, used once). */
export function useInvitation() {
  return useWrite((userId: string) => unwrap(api.POST('/v1/users/{id}/invitation', { params: { path: { id: userId } } })), []);
}

/** « Envoyer une invitation » for one account, with the API's refusal under it. */
export function InviteButton({ user }: { user: User }) {
  const invite = useInvitation();
  const name = `${user.firstName} ${user.lastName}`.trim();
  return (
    <>
      <button type="button" aria-label={`Envoyer une invitation à ${name}`} disabled={invite.isPending} onClick={() => invite.mutate(user.id)}>
        {invite.isSuccess ? 'Invitation envoyée' : 'Envoyer une invitation'}
      </button>
      <ErrorNote error={invite.error} title="Invitation non envoyée" />
    </>
  );
}
