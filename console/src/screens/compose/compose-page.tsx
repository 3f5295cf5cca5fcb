import { type FormEvent, useState } from 'react';
import { useLocation, useParams } from 'wouter';
import { useClient, useContacts, useUsers } from '../../api/clients';
import { type ComposeInput, useCompose } from '../../api/messages';
import { can, useSession } from '../../api/session-store';
import { useMessageTemplates, useSettings } from '../../api/settings';
import { Checkbox, ErrorNote, Field, Loading } from '../../ui/components';
import { type Channel, CopyChannels } from '../../ui/copy-channels';
import { SnippetPicker } from '../../ui/snippet-picker';

/** A new message on a client file, with every option the API takes from staff (the route is for collaborators only). */
export default function ComposePage() {
  const { id: clientId = '' } = useParams<{ id: string }>();
  const [, navigate] = useLocation();
  const session = useSession();
  const client = useClient(clientId);
  const contacts = useContacts(clientId);
  const users = useUsers(can(session, 'accounts.read'));
  const templates = useMessageTemplates();
  const settings = useSettings();
  const compose = useCompose(clientId);

  const [templateId, setTemplateId] = useState<string | null>(null);
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [contactId, setContactId] = useState('');
  const [cc, setCc] = useState<string[]>([]);
  const [isPrivate, setPrivate] = useState(false);
  const [urgent, setUrgent] = useState(false);
  const [task, setTask] = useState(false);
  const [dueDate, setDueDate] = useState('');
  const [vad, setVad] = useState(false);
  const [vadPlannedAt, setVadPlannedAt] = useState('');
  const [vadStreet, setVadStreet] = useState('');
  const [vadPostalCode, setVadPostalCode] = useState('');
  const [vadCity, setVadCity] = useState('');
  const [copies, setCopies] = useState<Channel[] | null>(null);

  const effective = settings.data?.effective;
  // The account's default template and channels apply until the operator changes them.
  const chosenTemplate = templateId ?? effective?.defaultMessageTemplateId ?? '';
  const template = templates.data?.find((t) => t.id === chosenTemplate);
  const channels = copies ?? effective?.defaultChannels ?? [];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const input: ComposeInput = {
      ...(subject ? { subject } : {}),
      ...(body ? { body } : {}),
      ...(chosenTemplate ? { templateId: chosenTemplate } : {}),
      ...(contactId ? { contactId } : {}),
      ...(cc.length ? { cc } : {}),
      private: isPrivate,
      urgent,
      task: task || undefined,
      ...(task && dueDate ? { dueDate, dayTask: true } : {}),
      copies: channels,
      ...(vad ? { vad: true, vadPlannedAt: new Date(vadPlannedAt).toISOString(), vadStreet: vadStreet || undefined, vadPostalCode: vadPostalCode || undefined, vadCity: vadCity || undefined } : {}),
    };
    compose.mutate(input, { onSuccess: (thread) => navigate(`/messages/${thread.id}`) });
  };

  if (!client.data) return client.error ? <ErrorNote error={client.error} /> : <Loading />;
  return (
    <form className="compose panel" onSubmit={submit} aria-labelledby="compose-title">
      <h1 id="compose-title">Nouveau message — {client.data.name}</h1>
      {effective?.messageInfo ? (
        <aside className="instruction" aria-label="Information du compte">
          {effective.messageInfo}
        </aside>
      ) : null}
      <Field label="Modèle de message">
        {(id) => (
          <select id={id} value={chosenTemplate} onChange={(e) => setTemplateId(e.target.value)}>
            <option value="">Aucun modèle</option>
            {(templates.data ?? []).map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
                {t.default ? ' (par défaut)' : ''}
              </option>
            ))}
          </select>
        )}
      </Field>
      {template?.instruction ? (
        <aside className="instruction" aria-label="Consigne du modèle">
          {template.instruction}
        </aside>
      ) : null}
      <Field label="Destinataire (contact)">
        {(id) => (
          <select id={id} value={contactId} onChange={(e) => setContactId(e.target.value)}>
            <option value="">Le client</option>
            {(contacts.data ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      {users.data ? (
        <Field label="Copie à (CC)" hint="Ctrl + clic pour en choisir plusieurs.">
          {(id) => (
            <select id={id} multiple value={cc} onChange={(e) => setCc([...e.target.selectedOptions].map((o) => o.value))}>
              {users.data.items.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.firstName} {u.lastName}
                </option>
              ))}
            </select>
          )}
        </Field>
      ) : null}
      <Field label="Objet" hint={template ? `Par défaut : ${template.subject}` : undefined}>
        {(id) => <input id={id} value={subject} onChange={(e) => setSubject(e.target.value)} />}
      </Field>
      <Field label="Message">{(id) => <textarea id={id} rows={6} value={body} onChange={(e) => setBody(e.target.value)} placeholder={template?.body} />}</Field>
      <SnippetPicker onPick={(text) => setBody((b) => (b ? `${b}\n${text}` : text))} />
      <fieldset className="inline">
        <legend>Options</legend>
        <Checkbox label="Urgent" checked={urgent} onChange={setUrgent} />
        <Checkbox label="Privé (équipe seulement)" checked={isPrivate} onChange={setPrivate} />
        <Checkbox label="Tâche" checked={task} onChange={setTask} />
        <Checkbox label="Demande de VAD" checked={vad} onChange={setVad} />
      </fieldset>
      {task ? <Field label="Échéance de la tâche">{(id) => <input id={id} type="date" value={dueDate} onChange={(e) => setDueDate(e.target.value)} />}</Field> : null}
      {vad ? (
        <fieldset>
          <legend>Visite à domicile</legend>
          <Field label="Date et heure de la VAD">{(id) => <input id={id} type="datetime-local" required value={vadPlannedAt} onChange={(e) => setVadPlannedAt(e.target.value)} />}</Field>
          <Field label="Adresse (rue)" hint="Par défaut, l’adresse du contact.">{(id) => <input id={id} value={vadStreet} onChange={(e) => setVadStreet(e.target.value)} />}</Field>
          <Field label="Code postal">{(id) => <input id={id} value={vadPostalCode} onChange={(e) => setVadPostalCode(e.target.value)} />}</Field>
          <Field label="Ville">{(id) => <input id={id} value={vadCity} onChange={(e) => setVadCity(e.target.value)} />}</Field>
        </fieldset>
      ) : null}
      <CopyChannels value={channels} onChange={setCopies} />
      <ErrorNote error={compose.error} />
      <div className="actions">
        <button type="submit" disabled={compose.isPending}>
          Envoyer
        </button>
      </div>
    </form>
  );
}
