import { type FormEvent, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { useDiscussions, useOpenDiscussion } from '../../api/discussions';
import { Badge, ErrorNote, Field, Loading } from '../../ui/components';
import { formatDateTime } from '../../ui/format';

/** The discussions the team made visible to this person, NEW until read, and a form to open one. */
export default function PortalDiscussions() {
  const [onlyNew, setOnlyNew] = useState(false);
  const list = useDiscussions({ onlyNew });
  return (
    <section aria-labelledby="discussions-title">
      <h1 id="discussions-title">Discussions</h1>
      <div className="tabs" role="group" aria-label="Filtrer les discussions">
        <button type="button" aria-pressed={!onlyNew} onClick={() => setOnlyNew(false)}>
          Toutes
        </button>
        <button type="button" aria-pressed={onlyNew} onClick={() => setOnlyNew(true)}>
          Nouvelles
        </button>
      </div>
      {list.isPending ? <Loading /> : null}
      <ErrorNote error={list.error} />
      {list.data?.items.length === 0 ? <p className="muted">{onlyNew ? 'Aucune nouvelle discussion.' : 'Aucune discussion.'}</p> : null}
      <ul className="messages">
        {list.data?.items.map((d) => (
          <li key={d.id} data-testid="discussion">
            <Link href={`/discussions/${d.id}`}>
              <span className="subject">{d.title}</span>
              <span className="meta">
                {d.isNew ? <Badge tone="urgent">Nouveau</Badge> : null}
                <span className="muted">{d.replyCount === 0 ? 'Aucune réponse' : d.replyCount === 1 ? '1 réponse' : `${d.replyCount} réponses`}</span>
                <time dateTime={String(d.lastActivityAt)}>{formatDateTime(String(d.lastActivityAt))}</time>
              </span>
            </Link>
          </li>
        ))}
      </ul>
      <OpenDiscussion />
    </section>
  );
}

/** A new discussion from the portal: visible by definition, addressed to the person's file manager. */
function OpenDiscussion() {
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const open = useOpenDiscussion();
  const [, navigate] = useLocation();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    open.mutate({ title, body }, { onSuccess: (created) => navigate(`/discussions/${created.id}`) });
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="open-discussion-title">
      <h2 id="open-discussion-title">Nouvelle discussion</h2>
      <Field label="Titre">{(id) => <input id={id} required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />}</Field>
      <Field label="Message">{(id) => <textarea id={id} rows={4} required maxLength={10_000} value={body} onChange={(e) => setBody(e.target.value)} />}</Field>
      <ErrorNote error={open.error} />
      <div className="actions">
        <button type="submit" disabled={open.isPending || !title.trim() || !body.trim()}>
          Envoyer
        </button>
      </div>
    </form>
  );
}
