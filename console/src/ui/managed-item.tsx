import type { QueryKey } from '@tanstack/react-query';
import { type ElementType, type KeyboardEvent, type ReactNode, type RefObject, useLayoutEffect, useRef, useState } from 'react';
import { useWrite } from '../api/admin';
import { ErrorNote } from './components';

/**
 * Moves the keyboard when `shown` changes (not on mount): to `whenShown` as a question or an editor
 * appears, back to `whenHidden` as it goes. In the commit itself (a layout effect, not an effect or a
 * timer), so a key pressed right after, such as a second Entrée, finds the focus already there.
 */
function useFocusOnToggle(shown: boolean, whenShown: RefObject<HTMLElement | null> | null, whenHidden: RefObject<HTMLElement | null>) {
  const was = useRef(shown);
  useLayoutEffect(() => {
    if (was.current === shown) return;
    was.current = shown;
    (shown ? whenShown : whenHidden)?.current?.focus();
  }, [shown]);
}

/**
 * Delete with a confirmation first: « Supprimer » asks, « Confirmer la suppression » deletes, Échap
 * or « Annuler » gives up. A refusal (a 409 for something still in use) stays shown with the API's
 * words. `name` names the thing in the buttons' accessible names ("le modèle Accueil"); `warning`
 * says what goes with it.
 */
export function ConfirmDelete({ name, remove, stale, warning }: { name: string; remove: () => Promise<unknown>; stale: QueryKey[]; warning?: string }) {
  const [asking, setAsking] = useState(false);
  const confirm = useRef<HTMLButtonElement>(null);
  const ask = useRef<HTMLButtonElement>(null);
  const run = useWrite(remove, stale);
  useFocusOnToggle(asking, confirm, ask);
  const cancel = () => setAsking(false);
  return (
    <span className="confirm-delete">
      {asking ? (
        <span role="group" aria-label={`Confirmer la suppression de ${name}`} onKeyDown={(e: KeyboardEvent) => e.key === 'Escape' && cancel()}>
          <span>
            Supprimer {name} ?{warning ? ` ${warning}` : ''}
          </span>{' '}
          <button
            ref={confirm}
            type="button"
            className="danger"
            disabled={run.isPending}
            onClick={() => run.mutate(undefined, { onSettled: () => setAsking(false) })}
          >
            Confirmer la suppression
          </button>{' '}
          <button type="button" onClick={cancel}>
            Annuler
          </button>
        </span>
      ) : (
        <button ref={ask} type="button" className="link" aria-label={`Supprimer ${name}`} onClick={() => setAsking(true)}>
          Supprimer
        </button>
      )}
      <ErrorNote error={run.error} title="Suppression refusée" />
    </span>
  );
}

/** What an inline editor needs: the draft it starts from, its fields, and the write that saves it. */
export interface Editing<D> {
  start: () => D;
  fields: (draft: D, change: (patch: Partial<D>) => void) => ReactNode;
  save: (draft: D) => Promise<unknown>;
}

/**
 * A form in place of the thing it edits: the first field takes the focus, « Enregistrer » saves and
 * closes, Échap or « Annuler » closes without saving. The form is named `Modifier <name>`, so its
 * fields can share labels with the creation form of the same page.
 */
export function InlineEditor<D>({ name, editing, stale, onClose }: { name: string; editing: Editing<D>; stale: QueryKey[]; onClose: () => void }) {
  const [draft, setDraft] = useState<D>(editing.start);
  const form = useRef<HTMLFormElement>(null);
  const save = useWrite(editing.save, stale);
  useLayoutEffect(() => {
    form.current?.querySelector<HTMLElement>('input, select, textarea')?.focus();
  }, []);
  return (
    <form
      ref={form}
      className="inline-editor"
      aria-label={`Modifier ${name}`}
      onKeyDown={(e: KeyboardEvent) => e.key === 'Escape' && onClose()}
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(draft, { onSuccess: onClose });
      }}
    >
      {editing.fields(draft, (patch) => setDraft((current) => ({ ...current, ...patch })))}
      <ErrorNote error={save.error} title="Modification refusée" />
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          Enregistrer
        </button>
        <button type="button" onClick={onClose}>
          Annuler
        </button>
      </div>
    </form>
  );
}

/**
 * One thing of a list with its « Modifier » and « Supprimer »: the summary, or the inline editor in
 * its place while it is open. Either action may be left out (what the API does not allow).
 */
export function ManagedItem<D>({
  name,
  stale,
  edit,
  remove,
  warning,
  children,
  as: Tag = 'li',
  testId,
}: {
  name: string;
  stale: QueryKey[];
  edit?: Editing<D>;
  remove?: () => Promise<unknown>;
  /** Said with the delete's question: what is lost with the thing. */
  warning?: string;
  children?: ReactNode;
  as?: ElementType;
  testId?: string;
}) {
  const [open, setOpen] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  // The editor focuses its own first field; closing it puts the keyboard back on « Modifier ».
  useFocusOnToggle(open, null, opener);
  const close = () => setOpen(false);
  return (
    <Tag data-testid={testId}>
      {open && edit ? (
        <InlineEditor name={name} editing={edit} stale={stale} onClose={close} />
      ) : (
        <>
          {children}{' '}
          {edit ? (
            <button ref={opener} type="button" className="link" aria-label={`Modifier ${name}`} onClick={() => setOpen(true)}>
              Modifier
            </button>
          ) : null}
        </>
      )}
      {remove ? <ConfirmDelete name={name} remove={remove} stale={stale} warning={warning} /> : null}
    </Tag>
  );
}
