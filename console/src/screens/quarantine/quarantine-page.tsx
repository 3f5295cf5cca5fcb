import { type FormEvent, useState } from 'react';
import { Link } from 'wouter';
import { type BulkResult, MAX_BULK, type QuarantineFilters, useBulk, useQuarantine } from '../../api/quarantine';
import { Badge, ErrorNote, Field, Loading } from '../../ui/components';
import { formatDateTime } from '../../ui/format';
import { errorText } from '../../ui/error-words';
import { CHANNEL_LABEL } from '../../ui/words';
import { reasonLabel, STATUS_LABEL, threadIdFrom } from './words';

const NO_FILTER: QuarantineFilters = { status: 'open', channel: '', reason: '', label: '' };

/** Triage: what nobody's thread was waiting for, with why; decide one by one or many at once. */
export default function QuarantinePage() {
  const [filters, setFilters] = useState<QuarantineFilters>(NO_FILTER);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const list = useQuarantine(filters);
  const items = list.data?.items ?? [];
  const set = <K extends keyof QuarantineFilters>(key: K, value: QuarantineFilters[K]) => {
    setFilters((f) => ({ ...f, [key]: value }));
    setSelected(new Set());
  };
  const toggle = (id: string, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const allOn = items.length > 0 && items.every((i) => selected.has(i.id));

  return (
    <section aria-labelledby="quarantine-title">
      <h1 id="quarantine-title">Quarantaine</h1>
      <form className="panel filters" aria-label="Filtres" onSubmit={(e) => e.preventDefault()}>
        <fieldset className="inline">
          <legend>Filtrer</legend>
          <Field label="État">
            {(id) => (
              <select id={id} value={filters.status} onChange={(e) => set('status', e.target.value as QuarantineFilters['status'])}>
                <option value="">Tous</option>
                <option value="open">À traiter</option>
                <option value="assigned">Rattachés</option>
                <option value="discarded">Écartés</option>
              </select>
            )}
          </Field>
          <Field label="Canal">
            {(id) => (
              <select id={id} value={filters.channel} onChange={(e) => set('channel', e.target.value as QuarantineFilters['channel'])}>
                <option value="">Tous</option>
                <option value="email">E-mail</option>
                <option value="sms">SMS</option>
              </select>
            )}
          </Field>
          <Field label="Motif (code)">{(id) => <input id={id} value={filters.reason} onChange={(e) => set('reason', e.target.value)} placeholder="no_thread" />}</Field>
          <Field label="Étiquette">{(id) => <input id={id} value={filters.label} onChange={(e) => set('label', e.target.value)} />}</Field>
        </fieldset>
      </form>
      {list.isPending ? <Loading /> : null}
      <ErrorNote error={list.error} />
      {list.data && items.length === 0 ? <p className="muted">Rien en quarantaine pour ces filtres.</p> : null}
      {items.length > 0 ? (
        <table className="copies quarantine" aria-label="Éléments en quarantaine">
          <thead>
            <tr>
              <th scope="col">
                <input
                  type="checkbox"
                  aria-label="Tout sélectionner"
                  checked={allOn}
                  onChange={(e) => setSelected(e.target.checked ? new Set(items.slice(0, MAX_BULK).map((i) => i.id)) : new Set())}
                />
              </th>
              <th scope="col">Reçu le</th>
              <th scope="col">Canal</th>
              <th scope="col">Expéditeur</th>
              <th scope="col">Objet</th>
              <th scope="col">Motif</th>
              <th scope="col">État</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => {
              const name = item.subject || item.preview?.slice(0, 60) || '(sans objet)';
              return (
                <tr key={item.id} data-testid="quarantine-row">
                  <td>
                    <input type="checkbox" aria-label={`Sélectionner ${item.sender ?? ''} ${name}`.trim()} checked={selected.has(item.id)} onChange={(e) => toggle(item.id, e.target.checked)} />
                  </td>
                  <td>
                    <time dateTime={item.createdAt}>{formatDateTime(item.createdAt)}</time>
                  </td>
                  <td>{CHANNEL_LABEL[item.channel] ?? item.channel}</td>
                  <td>{item.sender ?? '—'}</td>
                  <td>
                    <Link href={`/quarantine/${item.id}`}>{name}</Link>
                  </td>
                  <td>
                    <span data-testid="quarantine-reason">{reasonLabel(item.reason)}</span>
                    {item.label ? <Badge tone="warn">{item.label}</Badge> : null}
                  </td>
                  <td>{STATUS_LABEL[item.status] ?? item.status}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      {selected.size > 0 ? <BulkActions ids={[...selected]} onDone={() => setSelected(new Set())} /> : null}
    </section>
  );
}

/** What to do with the selected items: each is decided alone, the answer says which were refused. */
function BulkActions({ ids, onDone }: { ids: string[]; onDone: () => void }) {
  const bulk = useBulk();
  const [thread, setThread] = useState('');
  const [reason, setReason] = useState('');
  const [results, setResults] = useState<BulkResult[] | null>(null);
  const messageId = threadIdFrom(thread);

  const run = (event: FormEvent, input: { action: 'assign' | 'discard' | 'rerun'; messageId?: string; reason?: string }) => {
    event.preventDefault();
    bulk.mutate(
      { ...input, ids },
      {
        onSuccess: (answer) => {
          setResults(answer.results);
          if (answer.results.every((r) => r.ok)) onDone();
        },
      },
    );
  };

  return (
    <section className="panel" aria-labelledby="bulk-title">
      <h2 id="bulk-title">
        {ids.length} élément{ids.length > 1 ? 's' : ''} sélectionné{ids.length > 1 ? 's' : ''}
      </h2>
      <form onSubmit={(e) => messageId && run(e, { action: 'assign', messageId })}>
        <Field label="Rattacher la sélection au fil" hint="Identifiant du fil ou lien copié depuis la barre d’adresse">
          {(id) => <input id={id} value={thread} onChange={(e) => setThread(e.target.value)} />}
        </Field>
        <button type="submit" disabled={!messageId || bulk.isPending}>
          Rattacher la sélection
        </button>
      </form>
      <form onSubmit={(e) => run(e, { action: 'discard', reason })}>
        <Field label="Motif pour écarter la sélection">{(id) => <input id={id} value={reason} required onChange={(e) => setReason(e.target.value)} />}</Field>
        <button type="submit" disabled={!reason.trim() || bulk.isPending}>
          Écarter la sélection
        </button>
      </form>
      <div className="actions">
        <button type="button" disabled={bulk.isPending} onClick={(e) => run(e, { action: 'rerun' })}>
          Repasser la sélection dans les règles
        </button>
      </div>
      <ErrorNote error={bulk.error} />
      {results ? (
        <p role="status">
          {results.filter((r) => r.ok).length} traité{results.filter((r) => r.ok).length > 1 ? 's' : ''}, {results.filter((r) => !r.ok).length} refusé
          {results.filter((r) => !r.ok).length > 1 ? 's' : ''}
          {results.some((r) => !r.ok) ? ` : ${[...new Set(results.filter((r) => !r.ok).map((r) => errorText(r.code, r.message)))].join(' ; ')}` : ''}
        </p>
      ) : null}
    </section>
  );
}
