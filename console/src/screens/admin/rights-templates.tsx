import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { type RightsTemplate, usePermissionCatalogue, useWrite } from '../../api/admin';
import type { components } from '../../api/schema';
import { Checkbox, ErrorNote, Field } from '../../ui/components';
import { ManagedItem } from '../../ui/managed-item';
import { KIND_LABEL } from '../../ui/words';
import { PERMISSION_LABEL } from './permission-words';

type Permission = components['schemas']['CreateRightsTemplateDto']['permissions'][number];
const STALE = [['admin', 'rights-templates']];

/** The permission catalogue as ticks, by their French names; `chosen` is what is ticked. */
function PermissionChecks({ chosen, onChange }: { chosen: Permission[]; onChange: (next: Permission[]) => void }) {
  const catalogue = usePermissionCatalogue();
  return (
    <fieldset>
      <legend>Permissions</legend>
      {catalogue.data?.map((p) => (
        <Checkbox
          key={p.name}
          label={`${PERMISSION_LABEL[p.name] ?? p.description} (${p.name})`}
          checked={chosen.includes(p.name as Permission)}
          onChange={(on) => onChange(on ? [...chosen, p.name as Permission] : chosen.filter((c) => c !== p.name))}
        />
      ))}
      <ErrorNote error={catalogue.error} />
    </fieldset>
  );
}

/**
 * The company's rights templates: rename, change the permissions (accounts keep theirs until the
 * template is applied again), delete (accounts keep their permissions, no longer pointing at it).
 */
export function RightsTemplates({ templates, manage }: { templates: RightsTemplate[]; manage: boolean }) {
  return (
    <section className="panel" aria-labelledby="templates-title">
      <h2 id="templates-title">Modèles de droits</h2>
      <ul>
        {templates.map((t) => (
          <ManagedItem
            key={t.id}
            testId="rights-template"
            name={`le modèle de droits ${t.name}`}
            stale={STALE}
            edit={
              manage
                ? {
                    start: () => ({ name: t.name, permissions: t.permissions as Permission[] }),
                    fields: (draft, change) => (
                      <>
                        <Field label="Nom du modèle">{(id) => <input id={id} required maxLength={100} value={draft.name} onChange={(e) => change({ name: e.target.value })} />}</Field>
                        <PermissionChecks chosen={draft.permissions} onChange={(permissions) => change({ permissions })} />
                        <p className="muted">Les comptes auxquels il a été appliqué gardent leurs permissions jusqu’à ce qu’il leur soit appliqué de nouveau.</p>
                      </>
                    ),
                    save: (draft) => unwrap(api.PATCH('/v1/rights-templates/{id}', { params: { path: { id: t.id } }, body: draft })),
                  }
                : undefined
            }
            remove={manage ? () => unwrap(api.DELETE('/v1/rights-templates/{id}', { params: { path: { id: t.id } } })) : undefined}
            warning="Les comptes auxquels il a été appliqué gardent leurs permissions."
          >
            <strong>{t.name}</strong> ({KIND_LABEL[t.kind] ?? t.kind}) : <span className="muted">{t.permissions.join(', ') || 'aucune permission'}</span>
          </ManagedItem>
        ))}
      </ul>
    </section>
  );
}

/** A rights template of the company's own: a name, the kind of account it is for, its permissions. */
export function NewTemplate() {
  const [name, setName] = useState('');
  const [kind, setKind] = useState<RightsTemplate['kind']>('collaborator');
  const [role, setRole] = useState<'manager' | 'supervisor' | 'operator'>('operator');
  const [chosen, setChosen] = useState<Permission[]>([]);
  const create = useWrite(() => unwrap(api.POST('/v1/rights-templates', { body: { name, kind, permissions: chosen, ...(kind === 'collaborator' ? { role } : {}) } })), STALE);
  return (
    <form
      className="panel"
      aria-labelledby="new-template-title"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate(undefined, {
          onSuccess: () => {
            setName('');
            setChosen([]);
          },
        });
      }}
    >
      <h2 id="new-template-title">Nouveau modèle de droits</h2>
      <div className="grid">
        <Field label="Nom du modèle de droits">{(id) => <input id={id} required value={name} onChange={(e) => setName(e.target.value)} />}</Field>
        <Field label="Pour les comptes">
          {(id) => (
            <select id={id} value={kind} onChange={(e) => setKind(e.target.value as RightsTemplate['kind'])}>
              <option value="collaborator">Collaborateurs</option>
              <option value="client">Clients</option>
              <option value="secretary">Secrétariats</option>
              <option value="worker">Intervenants</option>
            </select>
          )}
        </Field>
        {kind === 'collaborator' ? (
          <Field label="Rôle">
            {(id) => (
              <select id={id} value={role} onChange={(e) => setRole(e.target.value as typeof role)}>
                <option value="operator">Opérateur</option>
                <option value="supervisor">Superviseur</option>
                <option value="manager">Responsable</option>
              </select>
            )}
          </Field>
        ) : null}
      </div>
      <PermissionChecks chosen={chosen} onChange={setChosen} />
      <ErrorNote error={create.error} />
      <div className="actions">
        <button type="submit" disabled={create.isPending}>
          Créer le modèle de droits
        </button>
      </div>
    </form>
  );
}
