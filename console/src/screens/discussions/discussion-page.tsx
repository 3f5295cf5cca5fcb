import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'wouter';
import { type DiscussionView, useDiscussion, useDiscussionReplies, useUpdateDiscussion } from '../../api/discussions';
import { can, useSession } from '../../api/session-store';
import { Checkbox, ErrorNote, Field } from '../../ui/components';
import { DiscussionReplyForm } from '../../ui/text-reply';
import { DiscussionEntries, DiscussionFrame } from '../../ui/discussion-view';

/**
 * One discussion as staff read it (opening it reads it: no longer NEW for the caller): who it is
 * about, whether the portal shows it, every entry in order (live), and an answer.
 */
export default function DiscussionPage() {
  const { id = '' } = useParams<{ id: string }>();
  const session = useSession();
  const discussion = useDiscussion(id);
  const replies = useDiscussionReplies(id);
  const writer = can(session, 'notes.write');
  return (
    <DiscussionFrame discussion={discussion} gone="Cette discussion n’existe pas.">
      {(d) => (
        <>
          <Title discussion={d} editable={writer} />
          <dl className="facts">
            <dt>Concerne</dt>
            <dd>
              {d.clientId && can(session, 'clients.read') ? <Link href={`/clients/${d.clientId}`}>{d.subjectName}</Link> : d.subjectName}{' '}
              <span className="muted">{d.clientId ? '(dossier client)' : '(intervenant)'}</span>
            </dd>
            {d.linkedName ? (
              <>
                <dt>Personne liée</dt>
                <dd>{d.linkedName}</dd>
              </>
            ) : null}
          </dl>
          <Visibility discussion={d} editable={writer} />
          <DiscussionEntries discussion={d} replies={replies.data ?? []} authorOf={(entry) => entry.authorName ?? entry.senderAddress ?? 'Inconnu'} />
          <ErrorNote error={replies.error} />
          {writer ? <DiscussionReplyForm id={d.id} /> : null}
        </>
      )}
    </DiscussionFrame>
  );
}

/** The title, and for writers a form to change it. */
function Title({ discussion, editable }: { discussion: DiscussionView; editable: boolean }) {
  const [draft, setDraft] = useState<string | null>(null);
  const update = useUpdateDiscussion(discussion.id);
  const save = (event: FormEvent) => {
    event.preventDefault();
    if (draft !== null) update.mutate({ title: draft }, { onSuccess: () => setDraft(null) });
  };
  if (draft === null) {
    return (
      <div className="actions">
        <h1 id="discussion-title">{discussion.title}</h1>
        {editable ? (
          <button type="button" className="link" onClick={() => setDraft(discussion.title)}>
            Modifier le titre
          </button>
        ) : null}
      </div>
    );
  }
  return (
    <form className="panel" onSubmit={save} aria-labelledby="discussion-title">
      <h1 id="discussion-title" className="sr-only">
        {discussion.title}
      </h1>
      <Field label="Titre de la discussion">
        {(id) => <input id={id} required maxLength={200} autoFocus value={draft} onChange={(e) => setDraft(e.target.value)} />}
      </Field>
      <ErrorNote error={update.error} />
      <div className="actions">
        <button type="submit" disabled={update.isPending || !draft.trim()}>
          Enregistrer le titre
        </button>
        <button type="button" className="link" onClick={() => setDraft(null)}>
          Annuler
        </button>
      </div>
    </form>
  );
}

/** Shown on or hidden from the person's portal; hiding takes it off the portal at once. */
function Visibility({ discussion, editable }: { discussion: DiscussionView; editable: boolean }) {
  const update = useUpdateDiscussion(discussion.id);
  if (!editable) return <p>{discussion.visible ? 'Visible sur le portail.' : 'Masquée du portail.'}</p>;
  return (
    <div className="panel">
      {/* The box shows what was asked while the API answers; a refusal puts it back, with the error. */}
      <Checkbox label="Visible sur le portail" checked={update.isPending ? (update.variables.visible ?? discussion.visible) : discussion.visible} onChange={(visible) => update.mutate({ visible })} />
      <ErrorNote error={update.error} />
    </div>
  );
}
