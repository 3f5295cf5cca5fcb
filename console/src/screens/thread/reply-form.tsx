import { type FormEvent, useState } from 'react';
import { useReply } from '../../api/messages';
import { useSettings } from '../../api/settings';
import { Checkbox, ErrorNote, Field } from '../../ui/components';
import { type Channel, CopyChannels } from '../../ui/copy-channels';
import { SnippetPicker } from '../../ui/snippet-picker';

/** Reply, or reply and make the thread a task (with a due date for a day task). */
export function ReplyForm({ messageId }: { messageId: string }) {
  const settings = useSettings();
  const [body, setBody] = useState('');
  const [copies, setCopies] = useState<Channel[] | null>(null);
  const [asTask, setAsTask] = useState(false);
  const [dueDate, setDueDate] = useState('');
  const reply = useReply(messageId);
  const channels = copies ?? settings.data?.effective.defaultChannels ?? [];

  const submit = (event: FormEvent, withTask: boolean) => {
    event.preventDefault();
    reply.mutate(
      { body, copies: channels, ...(withTask ? { setTask: true, ...(dueDate ? { dueDate } : {}) } : {}) },
      {
        onSuccess: () => {
          setBody('');
          setAsTask(false);
          setDueDate('');
        },
      },
    );
  };

  return (
    <form className="panel reply" onSubmit={(e) => submit(e, asTask)} aria-labelledby="reply-title">
      <h2 id="reply-title">Répondre</h2>
      <Field label="Réponse">{(id) => <textarea id={id} rows={4} required value={body} onChange={(e) => setBody(e.target.value)} />}</Field>
      <SnippetPicker onPick={(text) => setBody((b) => (b ? `${b}\n${text}` : text))} />
      <CopyChannels value={channels} onChange={setCopies} />
      <Checkbox label="Créer une tâche avec la réponse" checked={asTask} onChange={setAsTask} />
      {asTask ? <Field label="Échéance de la tâche">{(id) => <input id={id} type="date" value={dueDate} onChange={(e) => setDueDate(e.target.value)} />}</Field> : null}
      <ErrorNote error={reply.error} />
      <div className="actions">
        <button type="submit" disabled={reply.isPending || !body.trim()}>
          {asTask ? 'Répondre et créer la tâche' : 'Répondre'}
        </button>
      </div>
    </form>
  );
}
