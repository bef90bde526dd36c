import { useEffect, useState, type ReactNode } from 'react';
import { api } from '../../api/client';
import { navigate } from '../../lib/router';
import { useAction } from '../../lib/useAction';
import { ErrorText } from '../../ui/ErrorText';
import { TemplateCards } from '../missions/TemplateCards';
import { markOnboarded } from './firstRun';
import { LlmStep } from './LlmStep';

function Step({ n, title, done, children }: { n: number; title: string; done: boolean; children: ReactNode }) {
  return (
    <li className={done ? 'onboarding-step done' : 'onboarding-step'}>
      <div className="step-number" aria-hidden="true">
        {done ? '✓' : n}
      </div>
      <div className="step-body">
        <h2>
          {title}
          {done && <span className="visually-hidden"> (done)</span>}
        </h2>
        {children}
      </div>
    </li>
  );
}

export function WelcomePage() {
  const settings = useAction(() => api().call('settings.get'));
  const [connected, setConnected] = useState(false);
  const { run } = settings;
  useEffect(() => {
    void run();
  }, [run]);
  return (
    <div className="welcome">
      <h1>Welcome to Mission Companion</h1>
      <p className="lede">
        Give an AI a long-running mission — “plan my week from my notes” — and review every change it wants to make before it happens. Three short steps to
        get going.
      </p>
      <ol className="onboarding">
        <Step n={1} title="Connect a language model" done={connected}>
          <p className="muted">Any OpenAI-compatible endpoint works: OpenAI, OpenRouter, or a local Ollama, LM Studio or llama.cpp server.</p>
          <ErrorText error={settings.error} />
          {settings.result && <LlmStep settings={settings.result} onConnected={() => setConnected(true)} />}
        </Step>
        <Step n={2} title="Create your first mission" done={false}>
          <p className="muted">Pick a template; you can change everything before saving. Nothing runs until you press “Run now” or its time comes.</p>
          <TemplateCards headingLevel={3} />
        </Step>
        <Step n={3} title="Review what it proposes" done={false}>
          <p className="muted">
            Proposals land in the inbox as cards. Approve, edit or reject them — with the keyboard if you like: <kbd>j</kbd>/
            <kbd>k</kbd> to move, <kbd>a</kbd> approve, <kbd>e</kbd> edit, <kbd>r</kbd> reject, <kbd>u</kbd> revert.
          </p>
        </Step>
      </ol>
      <p>
        <button
          type="button"
          className="link-button"
          onClick={() => {
            markOnboarded();
            navigate({ page: 'inbox' });
          }}
        >
          Skip the introduction
        </button>
      </p>
    </div>
  );
}
