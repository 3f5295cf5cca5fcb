import { type ReactNode, useId } from 'react';
import { ApiError } from '../api/client';
import { errorText } from './error-words';

/** A labelled control: every input of the console goes through one of these. */
export function Field({ label, children, hint }: { label: string; hint?: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
      {hint ? <small>{hint}</small> : null}
    </div>
  );
}

export function Checkbox({ label, checked, onChange }: { label: string; checked: boolean; onChange: (value: boolean) => void }) {
  const id = useId();
  return (
    <div className="check">
      <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}

/**
 * An API refusal in French, chosen by its code; `title` says what was refused ("Suppression
 * refusée"); `explain` gives a screen's own words for the codes it expects ({ user_email_taken: … }).
 * The API's own words (English, for developers) and the code stay one click away, for whoever
 * reports the problem.
 */
export function ErrorNote({ error, title, explain }: { error: unknown; title?: string; explain?: Record<string, string> }) {
  if (!error) return null;
  const api = error instanceof ApiError ? error : null;
  const reason = api ? (explain?.[api.code] ?? errorText(api.code, api.message)) : 'Une erreur est survenue.';
  const text = title ? `${title} : ${reason}` : reason;
  return (
    <div role="alert" className="error">
      <p>{text}</p>
      {api && api.message !== reason ? (
        <details>
          <summary>Détail technique</summary>
          <code>{api.code}</code> : {api.message}
        </details>
      ) : null}
    </div>
  );
}

export function Loading() {
  return (
    <p role="status" aria-live="polite">
      Chargement…
    </p>
  );
}

export function Badge({ children, tone = 'plain' }: { children: ReactNode; tone?: 'plain' | 'urgent' | 'ok' | 'warn' }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}
