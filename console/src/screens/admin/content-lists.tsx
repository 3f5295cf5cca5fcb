import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { nullableText, useWrite } from '../../api/admin';
import { useMessageTemplates, useSnippets } from '../../api/settings';
import { ErrorNote, Field } from '../../ui/components';
import { ManagedItem } from '../../ui/managed-item';

/** The company's message templates: add, edit in place, delete. */
export function MessageTemplates() {
  const templates = useMessageTemplates();
  const empty = { name: '', subject: '', body: '', instruction: '' };
  const [form, setForm] = useState(empty);
  const stale = [['message-templates']];
  const create = useWrite(
    () => unwrap(api.POST('/v1/message-templates', { body: { name: form.name, subject: form.subject, body: form.body, instruction: nullableText(form.instruction || null) } })),
    stale,
  );
  const text = (key: keyof typeof empty) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));
  return (
    <section className="panel" aria-labelledby="message-templates-title">
      <h2 id="message-templates-title">Modèles de message</h2>
      <ul>
        {templates.data?.map((t) => (
          <ManagedItem
            key={t.id}
            testId="message-template"
            name={`le modèle ${t.name}`}
            stale={stale}
            edit={{
              start: () => ({ name: t.name, subject: t.subject, body: t.body, instruction: t.instruction ?? '' }),
              fields: (draft, change) => (
                <div className="grid">
                  <Field label="Nom">{(id) => <input id={id} required value={draft.name} onChange={(e) => change({ name: e.target.value })} />}</Field>
                  <Field label="Objet">{(id) => <input id={id} required value={draft.subject} onChange={(e) => change({ subject: e.target.value })} />}</Field>
                  <Field label="Texte">{(id) => <textarea id={id} rows={3} required value={draft.body} onChange={(e) => change({ body: e.target.value })} />}</Field>
                  <Field label="Consigne (facultatif)">{(id) => <input id={id} value={draft.instruction} onChange={(e) => change({ instruction: e.target.value })} />}</Field>
                </div>
              ),
              save: ({ instruction, ...draft }) =>
                unwrap(api.PATCH('/v1/message-templates/{id}', { params: { path: { id: t.id } }, body: { ...draft, instruction: nullableText(instruction.trim() || null) } })),
            }}
            remove={() => unwrap(api.DELETE('/v1/message-templates/{id}', { params: { path: { id: t.id } } }))}
          >
            <strong>{t.name}</strong> : {t.subject} <span className="muted">{t.instruction ? `(consigne : ${t.instruction})` : ''}</span>
          </ManagedItem>
        ))}
      </ul>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(undefined, { onSuccess: () => setForm(empty) });
        }}
      >
        <div className="grid">
          <Field label="Nom du modèle">{(id) => <input id={id} required value={form.name} onChange={text('name')} />}</Field>
          <Field label="Objet du modèle">{(id) => <input id={id} required value={form.subject} onChange={text('subject')} />}</Field>
          <Field label="Texte du modèle">{(id) => <textarea id={id} rows={3} required value={form.body} onChange={text('body')} />}</Field>
          <Field label="Consigne du modèle (facultatif)">{(id) => <input id={id} value={form.instruction} onChange={text('instruction')} />}</Field>
        </div>
        <ErrorNote error={create.error} />
        <div className="actions">
          <button type="submit" disabled={create.isPending}>
            Ajouter le modèle
          </button>
        </div>
      </form>
    </section>
  );
}

/** Saved phrases operators insert while writing: add, edit in place, delete. */
export function Snippets() {
  const snippets = useSnippets();
  const [form, setForm] = useState({ title: '', text: '' });
  const stale = [['snippets']];
  const create = useWrite(() => unwrap(api.POST('/v1/snippets', { body: form })), stale);
  return (
    <section className="panel" aria-labelledby="snippets-title">
      <h2 id="snippets-title">Phrases enregistrées</h2>
      <ul>
        {snippets.data?.map((s) => (
          <ManagedItem
            key={s.id}
            testId="snippet"
            name={`la phrase ${s.title}`}
            stale={stale}
            edit={{
              start: () => ({ title: s.title, text: s.text }),
              fields: (draft, change) => (
                <div className="grid">
                  <Field label="Titre">{(id) => <input id={id} required value={draft.title} onChange={(e) => change({ title: e.target.value })} />}</Field>
                  <Field label="Texte">{(id) => <textarea id={id} rows={2} required value={draft.text} onChange={(e) => change({ text: e.target.value })} />}</Field>
                </div>
              ),
              save: (draft) => unwrap(api.PATCH('/v1/snippets/{id}', { params: { path: { id: s.id } }, body: draft })),
            }}
            remove={() => unwrap(api.DELETE('/v1/snippets/{id}', { params: { path: { id: s.id } } }))}
          >
            <strong>{s.title}</strong> : {s.text}
          </ManagedItem>
        ))}
      </ul>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(undefined, { onSuccess: () => setForm({ title: '', text: '' }) });
        }}
      >
        <div className="grid">
          <Field label="Titre de la phrase">{(id) => <input id={id} required value={form.title} onChange={(e) => setForm((f) => ({ ...f, title: e.target.value }))} />}</Field>
          <Field label="Texte de la phrase">{(id) => <textarea id={id} rows={2} required value={form.text} onChange={(e) => setForm((f) => ({ ...f, text: e.target.value }))} />}</Field>
        </div>
        <ErrorNote error={create.error} />
        <div className="actions">
          <button type="submit" disabled={create.isPending}>
            Ajouter la phrase
          </button>
        </div>
      </form>
    </section>
  );
}
