import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'wouter';
import { useAssign, useDiscard, useQuarantineContent, useQuarantineItem, useRerun } from '../../api/quarantine';
import { Badge, ErrorNote, Field, Loading } from '../../ui/components';
import { formatDateTime } from '../../ui/format';
import { CHANNEL_LABEL } from '../../ui/words';
import { QuarantineContent } from './quarantine-content';
import { OUTCOME_LABEL, reasonLabel, STATUS_LABEL, threadIdFrom } from './words';

/** One item: what came in and why it is here; assign it to a thread, discard it, or run the rules again. */
export default function QuarantineItemPage() {
  const { id } = useParams<{ id: string }>();
  const item = useQuarantineItem(id);
  // Asked beside the item, not after it: the whole mail is the slower of the two.
  const content = useQuarantineContent(id);
  const assign = useAssign(id);
  const discard = useDiscard(id);
  const rerun = useRerun(id);
  const [thread, setThread] = useState('');
  const [reason, setReason] = useState('');

  if (item.isPending) return <Loading />;
  if (!item.data) return <ErrorNote error={item.error} />;
  const it = item.data;
  const target = threadIdFrom(thread) ?? (thread.trim() ? null : it.suggestedMessageId);
  const open = it.status === 'open';

  const onAssign = (event: FormEvent) => {
    event.preventDefault();
    if (target) assign.mutate(target);
  };
  const onDiscard = (event: FormEvent) => {
    event.preventDefault();
    discard.mutate(reason);
  };

  return (
    <article aria-labelledby="item-title">
      <p>
        <Link href="/quarantine">← Quarantaine</Link>
      </p>
      <h1 id="item-title">{it.subject || '(sans objet)'}</h1>
      <dl className="panel facts">
        <dt>Motif</dt>
        <dd data-testid="quarantine-reason">
          {reasonLabel(it.reason)} {it.label ? <Badge tone="warn">{it.label}</Badge> : null}
        </dd>
        {it.detail ? (
          <>
            <dt>Détail technique</dt>
            <dd>{it.detail}</dd>
          </>
        ) : null}
        <dt>Canal</dt>
        <dd>{CHANNEL_LABEL[it.channel] ?? it.channel}</dd>
        <dt>Expéditeur</dt>
        <dd>{it.sender ?? '—'}</dd>
        <dt>Reçu le</dt>
        <dd>
          <time dateTime={it.createdAt}>{formatDateTime(it.createdAt)}</time>
        </dd>
        <dt>État</dt>
        <dd data-testid="quarantine-status">{STATUS_LABEL[it.status] ?? it.status}</dd>
        {it.assignedMessageId ? (
          <>
            <dt>Rattaché au fil</dt>
            <dd>
              <Link href={`/messages/${it.assignedMessageId}`}>Ouvrir le fil</Link>
            </dd>
          </>
        ) : null}
        {it.discardReason ? (
          <>
            <dt>Écarté parce que</dt>
            <dd>{it.discardReason}</dd>
          </>
        ) : null}
      </dl>
      <QuarantineContent item={it} content={content} />
      {open ? (
        <>
          <form className="panel" onSubmit={onAssign} aria-labelledby="assign-title">
            <h2 id="assign-title">Rattacher à un fil</h2>
            {it.suggestedMessageId ? (
              <p>
                Fil proposé : <Link href={`/messages/${it.suggestedMessageId}`}>ouvrir le fil proposé</Link> (utilisé si le champ reste vide)
              </p>
            ) : null}
            <Field label="Fil de destination" hint="Identifiant du fil ou lien copié depuis la barre d’adresse">
              {(fieldId) => <input id={fieldId} value={thread} onChange={(e) => setThread(e.target.value)} />}
            </Field>
            <ErrorNote error={assign.error} />
            <div className="actions">
              <button type="submit" disabled={!target || assign.isPending}>
                Rattacher
              </button>
            </div>
          </form>
          <form className="panel" onSubmit={onDiscard} aria-labelledby="discard-title">
            <h2 id="discard-title">Écarter</h2>
            <Field label="Motif">{(fieldId) => <input id={fieldId} required value={reason} onChange={(e) => setReason(e.target.value)} />}</Field>
            <ErrorNote error={discard.error} />
            <div className="actions">
              <button type="submit" disabled={!reason.trim() || discard.isPending}>
                Écarter
              </button>
            </div>
          </form>
          <div className="panel actions">
            <button type="button" disabled={rerun.isPending} onClick={() => rerun.mutate()}>
              Repasser dans les règles de routage
            </button>
            {rerun.data ? <p role="status">Résultat : {OUTCOME_LABEL[rerun.data.outcome] ?? rerun.data.outcome}</p> : null}
            <ErrorNote error={rerun.error} />
          </div>
        </>
      ) : null}
    </article>
  );
}
