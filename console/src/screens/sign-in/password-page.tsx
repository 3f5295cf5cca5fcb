import { type FormEvent, useState } from 'react';
import { Link, useSearch } from 'wouter';
import { ApiError } from '../../api/client';
import { errorText } from '../../ui/error-words';
import { setPassword } from '../../api/session';
import { Field } from '../../ui/components';

const MIN_LENGTH = 12;

/** The page an invitation or reset link opens: /console/password?token=… */
export function PasswordPage() {
  const token = new URLSearchParams(useSearch()).get('token') ?? '';
  const [password, setValue] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState('');
  const [done, setDone] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError('');
    if (password.length < MIN_LENGTH) return setError(`Le mot de passe doit compter au moins ${MIN_LENGTH} caractères.`);
    if (password !== confirm) return setError('Les deux mots de passe diffèrent.');
    try {
      await setPassword(token, password);
      setDone(true);
    } catch (failure) {
      const known = failure instanceof ApiError && (failure.code === 'invalid_password_token' || failure.code === 'weak_password');
      setError(known ? errorText(failure.code) : 'Le mot de passe n’a pas pu être enregistré.');
    }
  };

  if (done) {
    return (
      <main className="centered">
        <div className="card">
          <h1>Mot de passe enregistré</h1>
          <p>
            <Link href="/">Se connecter</Link>
          </p>
        </div>
      </main>
    );
  }
  return (
    <main className="centered">
      <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="password-title">
        <h1 id="password-title">Choisir un mot de passe</h1>
        {token ? null : (
          <p role="alert" className="error">
            Lien incomplet : ouvrez le lien reçu par e-mail.
          </p>
        )}
        <Field label="Nouveau mot de passe" hint={`Au moins ${MIN_LENGTH} caractères.`}>
          {(id) => <input id={id} type="password" autoComplete="new-password" required value={password} onChange={(e) => setValue(e.target.value)} />}
        </Field>
        <Field label="Confirmer le mot de passe">
          {(id) => <input id={id} type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} />}
        </Field>
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={!token}>
          Enregistrer
        </button>
      </form>
    </main>
  );
}
