import { type FormEvent, useState } from 'react';
import { useReplyToDiscussion } from '../api/discussions';
import { ErrorNote, Field } from './components';

/** The answer form of the portal (a thread, a discussion) and of staff's discussions: one text, sent, then emptied once the API took it. */
export function TextReply({ send, pending, error }: { send: (body: string, sent: () => void) => void; pending: boolean; error: unknown }) {
  const [body, setBody] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    send(body, () => setBody(''));
  };
  return (
    <form className="panel reply" onSubmit={submit} aria-labelledby="text-reply-title">
      <h2 id="text-reply-title">Répondre</h2>
      <Field label="Votre réponse">{(id) => <textarea id={id} rows={4} required value={body} onChange={(e) => setBody(e.target.value)} />}</Field>
      <ErrorNote error={error} />
      <div className="actions">
        <button type="submit" disabled={pending || !body.trim()}>
          Envoyer la réponse
        </button>
      </div>
    </form>
  );
}

/** A discussion's answer form, the same for its portal person and for staff. */
export function DiscussionReplyForm({ id }: { id: string }) {
  const reply = useReplyToDiscussion(id);
  return <TextReply send={(body, sent) => reply.mutate(body, { onSuccess: sent })} pending={reply.isPending} error={reply.error} />;
}
