import { useState, useSyncExternalStore } from 'react';
import { checkSession, signInHint, subscribeAuth } from '../../api/auth';

/** Shown instead of the app when the host refuses this tab; the tab resumes by itself once signed in. */
export function Unauthorized() {
  const hint = useSyncExternalStore(subscribeAuth, signInHint);
  const [checking, setChecking] = useState(false);
  const checkAgain = () => {
    setChecking(true);
    void checkSession().finally(() => setChecking(false));
  };
  return (
    <main className="unauthorized">
      <h1>Sign in again</h1>
      <p>This browser is no longer signed in to Mission Companion (its access was replaced, or this page belongs to another start of it).</p>
      {hint?.command ? (
        <p>
          On the computer where Mission Companion runs, run <code>{hint.command}</code> and open the address it prints.
        </p>
      ) : hint?.tokenFromFlag ? (
        <p>
          Mission Companion was started with its own access token (<code>--token</code>). Open{' '}
          <code>{`${window.location.origin}/?token=`}</code> followed by that token.
        </p>
      ) : (
        <p>Open the address Mission Companion printed when it started.</p>
      )}
      <p className="muted">This tab continues by itself once you have signed in, here or in another tab.</p>
      <button type="button" onClick={checkAgain} disabled={checking}>
        {checking ? 'Checking…' : 'Check again'}
      </button>
    </main>
  );
}
