import { type FormEvent, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { type DryRun, type RoutingRule, useRoutingRules, useWrite } from '../../api/admin';
import { Checkbox, ErrorNote, Field, Loading } from '../../ui/components';
import { ConfirmDelete } from '../../ui/managed-item';

const RULES = [['admin', 'routing-rules']];

/** Routing rules in order (first match wins), a new rule, and a dry run saying which rule would take an item. */
export default function RoutingSection() {
  const rules = useRoutingRules();
  return (
    <>
      <section className="panel" aria-labelledby="rules-title">
        <h2 id="rules-title">Règles de routage</h2>
        {rules.isPending ? <Loading /> : null}
        <ErrorNote error={rules.error} />
        {rules.data?.length === 0 ? <p className="muted">Aucune règle : ce qui n’a pas de fil va en quarantaine.</p> : null}
        <ol className="rules">
          {rules.data?.map((rule, index) => (
            <Rule key={rule.id} rule={rule} order={rules.data.map((r) => r.id)} index={index} />
          ))}
        </ol>
      </section>
      <NewRule />
      <DryRunForm />
    </>
  );
}

/** The rules' ids with the one at `index` moved by `step` (-1: earlier, evaluated sooner). */
function moved(order: string[], index: number, step: number): string[] {
  const next = [...order];
  const [id] = next.splice(index, 1);
  next.splice(index + step, 0, id);
  return next;
}

function Rule({ rule, order, index }: { rule: RoutingRule; order: string[]; index: number }) {
  const reorder = useWrite((ids: string[]) => unwrap(api.POST('/v1/routing-rules/reorder', { body: { ids } })), RULES);
  const toggle = useWrite((enabled: boolean) => unwrap(api.PATCH('/v1/routing-rules/{id}', { params: { path: { id: rule.id } }, body: { enabled } })), RULES);
  return (
    <li data-testid="routing-rule">
      <strong>
        n° {rule.position} {rule.name}
      </strong>{' '}
      {rule.enabled ? null : <span className="muted">(désactivée)</span>}
      <pre className="original">{JSON.stringify({ conditions: rule.conditions, action: rule.action }, null, 1)}</pre>
      <div className="actions">
        <Checkbox label={`Règle « ${rule.name} » active`} checked={rule.enabled} onChange={(on) => toggle.mutate(on)} />
        <button type="button" aria-label={`Monter la règle ${rule.name}`} disabled={index === 0 || reorder.isPending} onClick={() => reorder.mutate(moved(order, index, -1))}>
          Monter
        </button>
        <button
          type="button"
          aria-label={`Descendre la règle ${rule.name}`}
          disabled={index === order.length - 1 || reorder.isPending}
          onClick={() => reorder.mutate(moved(order, index, 1))}
        >
          Descendre
        </button>
        <ConfirmDelete name={`la règle ${rule.name}`} stale={RULES} remove={() => unwrap(api.DELETE('/v1/routing-rules/{id}', { params: { path: { id: rule.id } } }))} />
      </div>
      <ErrorNote error={toggle.error ?? reorder.error} />
    </li>
  );
}

function parse(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function NewRule() {
  const [name, setName] = useState('');
  const [conditions, setConditions] = useState('{\n  "channel": "email",\n  "senders": ["*.example.fr"]\n}');
  const [action, setAction] = useState('{\n  "type": "quarantine",\n  "label": "À vérifier"\n}');
  const parsed = { conditions: parse(conditions), action: parse(action) };
  const create = useWrite(
    () => unwrap(api.POST('/v1/routing-rules', { body: { name, enabled: true, conditions: parsed.conditions ?? {}, action: parsed.action ?? {} } })),
    RULES,
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(undefined, { onSuccess: () => setName('') });
  };
  return (
    <form className="panel" aria-labelledby="new-rule-title" onSubmit={submit}>
      <h2 id="new-rule-title">Nouvelle règle</h2>
      <Field label="Nom de la règle">{(id) => <input id={id} required value={name} onChange={(e) => setName(e.target.value)} />}</Field>
      <Field label="Conditions (JSON)" hint="channel, senders, recipients, subjectKeywords, bodyKeywords, knownSender, hasAttachments, timeWindow…">
        {(id) => <textarea id={id} rows={5} spellCheck={false} value={conditions} onChange={(e) => setConditions(e.target.value)} aria-invalid={!parsed.conditions} />}
      </Field>
      <Field label="Action (JSON)" hint="open_message, append_latest, quarantine (label), drop">
        {(id) => <textarea id={id} rows={4} spellCheck={false} value={action} onChange={(e) => setAction(e.target.value)} aria-invalid={!parsed.action} />}
      </Field>
      {!parsed.conditions || !parsed.action ? <p className="error">Les conditions et l’action doivent être des objets JSON.</p> : null}
      <ErrorNote error={create.error} />
      <div className="actions">
        <button type="submit" disabled={create.isPending || !parsed.conditions || !parsed.action}>
          Ajouter la règle
        </button>
      </div>
    </form>
  );
}

function DryRunForm() {
  const [channel, setChannel] = useState<'email' | 'sms'>('email');
  const [email, setEmail] = useState('From: client@example.fr\nTo: accueil@example.test\nSubject: Bonjour\n\nBonjour, pouvez-vous me rappeler ?');
  const [sms, setSms] = useState({ from: '', to: '', body: '' });
  const run = useWrite(
    () => unwrap(api.POST('/v1/routing-rules/dry-run', { body: channel === 'email' ? { email: email.replace(/\r?\n/g, '\r\n') } : { sms } })),
    [],
  );
  return (
    <form
      className="panel"
      aria-labelledby="dry-run-title"
      onSubmit={(e) => {
        e.preventDefault();
        run.mutate(undefined);
      }}
    >
      <h2 id="dry-run-title">Essai à blanc</h2>
      <Field label="Canal de l’essai">
        {(id) => (
          <select id={id} value={channel} onChange={(e) => setChannel(e.target.value as 'email' | 'sms')}>
            <option value="email">E-mail</option>
            <option value="sms">SMS</option>
          </select>
        )}
      </Field>
      {channel === 'email' ? (
        <Field label="E-mail brut (en-têtes puis texte)">{(id) => <textarea id={id} rows={7} spellCheck={false} value={email} onChange={(e) => setEmail(e.target.value)} />}</Field>
      ) : (
        <div className="grid">
          <Field label="Numéro de l’expéditeur">{(id) => <input id={id} value={sms.from} onChange={(e) => setSms((s) => ({ ...s, from: e.target.value }))} />}</Field>
          <Field label="Numéro appelé">{(id) => <input id={id} value={sms.to} onChange={(e) => setSms((s) => ({ ...s, to: e.target.value }))} />}</Field>
          <Field label="Texte du SMS">{(id) => <textarea id={id} rows={3} value={sms.body} onChange={(e) => setSms((s) => ({ ...s, body: e.target.value }))} />}</Field>
        </div>
      )}
      <ErrorNote error={run.error} />
      <div className="actions">
        <button type="submit" disabled={run.isPending}>
          Lancer l’essai
        </button>
      </div>
      {run.data ? <DryRunResult result={run.data} /> : null}
    </form>
  );
}

const CLASSIFICATION_LABEL: Record<string, string> = { reply: 'réponse', new: 'nouveau message', automatic: 'message automatique' };

function DryRunResult({ result }: { result: DryRun }) {
  return (
    <section aria-labelledby="dry-run-result" data-testid="dry-run-result" aria-live="polite">
      <h3 id="dry-run-result">Résultat de l’essai</h3>
      <p>
        {result.item.sender} · « {result.item.subject} » · {CLASSIFICATION_LABEL[result.item.classification] ?? result.item.classification}
      </p>
      <p data-testid="dry-run-match">
        {result.matched ? `Règle appliquée : n° ${result.matched.position} « ${result.matched.name} »` : 'Aucune règle ne s’applique : l’élément irait en quarantaine.'}
      </p>
      <p className="muted">Détail technique : {result.outcome}</p>
      {result.misses.length > 0 ? (
        <ul aria-label="Règles écartées">
          {result.misses.map((miss) => (
            <li key={miss.ruleId}>
              n° {miss.position} « {miss.name} » : {miss.failed.condition} — {miss.failed.reason}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
