import { useSnippets } from '../api/settings';
import { Field } from './components';

/** Saved phrases: choosing one appends its text where the operator is writing. */
export function SnippetPicker({ onPick }: { onPick: (text: string) => void }) {
  const snippets = useSnippets();
  const items = snippets.data ?? [];
  if (items.length === 0) return null;
  return (
    <Field label="Phrase enregistrée">
      {(id) => (
        <select
          id={id}
          value=""
          onChange={(e) => {
            const snippet = items.find((s) => s.id === e.target.value);
            if (snippet) onPick(snippet.text);
          }}
        >
          <option value="">Insérer une phrase…</option>
          {items.map((s) => (
            <option key={s.id} value={s.id}>
              {s.title}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
