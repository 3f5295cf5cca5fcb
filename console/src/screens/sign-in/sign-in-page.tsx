import { type FormEvent, useState } from 'react';
import { ApiError } from '../../api/client';
import { errorText } from '../../ui/error-words';
import { requestPasswordReset, signIn } from '../../api/session';
import { Field } from '../../ui/components';

function signInError(error: unknown): string {
  if (error instanceof ApiError && error.code === 'too_many_attempts') return errorText(error.code);
  if (error instanceof ApiError && error.status === 401) return 'E-mail ou mot de passe incorrect.';
  return 'La connexion a échoué. Réessayez.';
}

/** Email and password; "Mot de passe oublié" sends a reset link (the answer never says whether the email exists). */
export function SignInPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    try {
      await signIn(email, password);
    } catch (failure) {
      setError(signInError(failure));
    } finally {
      setBusy(false);
    }
  };

  const forgot = async () => {
    setError('');
    if (!email) {
      setError('Indiquez votre e-mail pour recevoir un lien.');
      return;
    }
    try {
      await requestPasswordReset(email);
      setNotice('Si un compte existe pour cette adresse, un lien pour choisir un mot de passe vient d’être envoyé.');
    } catch (failure) {
      setError(signInError(failure));
    }
  };

  return (
    <main className="centered">
      <form className="card sign-in" onSubmit={(e) => void submit(e)} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Connexion à Relais</h1>
        <Field label="E-mail">{(id) => <input id={id} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />}</Field>
        <Field label="Mot de passe">
          {(id) => <input id={id} type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />}
        </Field>
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
        {notice ? <p role="status">{notice}</p> : null}
        <div className="actions">
          <button type="submit" disabled={busy}>
            Se connecter
          </button>
          <button type="button" className="link" onClick={() => void forgot()}>
            Mot de passe oublié
          </button>
        </div>
      </form>
    </main>
  );
}
