import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { type Structure, useAllUsers, useMembers, useStructures, useWrite } from '../../api/admin';
import { ErrorNote, Field, Loading } from '../../ui/components';
import { ManagedItem } from '../../ui/managed-item';

/** Structures (teams, the copy circle): rename, delete (the API refuses the copy circle), members. */
export default function StructuresSection() {
  const structures = useStructures();
  const [name, setName] = useState('');
  const create = useWrite(() => unwrap(api.POST('/v1/structures', { body: { name } })), [['admin', 'structures']]);
  return (
    <>
      <form
        className="panel"
        aria-labelledby="new-structure-title"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(undefined, { onSuccess: () => setName('') });
        }}
      >
        <h2 id="new-structure-title">Nouvelle structure</h2>
        <Field label="Nom de la structure">{(id) => <input id={id} required value={name} onChange={(e) => setName(e.target.value)} />}</Field>
        <ErrorNote error={create.error} />
        <div className="actions">
          <button type="submit" disabled={create.isPending}>
            Créer la structure
          </button>
        </div>
      </form>
      {structures.isPending ? <Loading /> : null}
      <ErrorNote error={structures.error} />
      {structures.data?.map((s) => (
        <StructureCard key={s.id} structure={s} />
      ))}
    </>
  );
}

function StructureCard({ structure }: { structure: Structure }) {
  const members = useMembers(structure.id);
  const users = useAllUsers();
  const [userId, setUserId] = useState('');
  const stale = [['admin', 'structure-members', structure.id]];
  const add = useWrite((id: string) => unwrap(api.POST('/v1/structures/{id}/members', { params: { path: { id: structure.id } }, body: { userId: id } })), stale);
  const remove = useWrite(
    (id: string) => unwrap(api.DELETE('/v1/structures/{id}/members/{userId}', { params: { path: { id: structure.id, userId: id } } })),
    stale,
  );
  const inside = new Set(members.data?.map((m) => m.userId));
  const candidates = (users.data?.items ?? []).filter((u) => u.kind !== 'client' && !inside.has(u.id));
  return (
    <section className="panel" aria-label={`Structure ${structure.name}`}>
      <ManagedItem
        as="div"
        name={`la structure ${structure.name}`}
        stale={[['admin', 'structures']]}
        edit={{
          start: () => ({ name: structure.name }),
          fields: (draft, change) => (
            <Field label="Nom de la structure">{(id) => <input id={id} required maxLength={100} value={draft.name} onChange={(e) => change({ name: e.target.value })} />}</Field>
          ),
          save: (draft) => unwrap(api.PATCH('/v1/structures/{id}', { params: { path: { id: structure.id } }, body: draft })),
        }}
        remove={() => unwrap(api.DELETE('/v1/structures/{id}', { params: { path: { id: structure.id } } }))}
      >
        <h2>
          {structure.name}
          {structure.isCopyCircle ? ' (cercle de copie)' : ''}
        </h2>
      </ManagedItem>
      <ul>
        {members.data?.map((m) => (
          <li key={m.userId}>
            {m.firstName} {m.lastName} <span className="muted">{m.subcontractor ? `· ${m.companyName}` : ''}</span>{' '}
            <button type="button" className="link" aria-label={`Retirer ${m.firstName} ${m.lastName} de ${structure.name}`} onClick={() => remove.mutate(m.userId)}>
              Retirer
            </button>
          </li>
        ))}
      </ul>
      {members.data?.length === 0 ? <p className="muted">Aucun membre.</p> : null}
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          if (userId) add.mutate(userId, { onSuccess: () => setUserId('') });
        }}
      >
        <select aria-label={`Ajouter un membre à ${structure.name}`} value={userId} onChange={(e) => setUserId(e.target.value)}>
          <option value="">Choisir un collaborateur</option>
          {candidates.map((u) => (
            <option key={u.id} value={u.id}>
              {u.firstName} {u.lastName}
            </option>
          ))}
        </select>
        <button type="submit" disabled={!userId || add.isPending}>
          Ajouter
        </button>
      </form>
      <ErrorNote error={add.error ?? remove.error} />
    </section>
  );
}
