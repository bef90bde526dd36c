// Loads React Fast Refresh from a module in dev: the inline preamble Vite would inject is blocked by our CSP.
import '@vitejs/plugin-react/preamble';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { dropTokenFromAddressBar } from './api/auth';
import { electronBridge } from './api/bridge';
import { App } from './App';
import { startSync } from './db/sync';

if (!electronBridge()) dropTokenFromAddressBar();
startSync();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
