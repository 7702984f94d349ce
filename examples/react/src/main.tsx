import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';

// The portal server's origin is build-time configuration: `VITE_DODO_PORTAL_URL=https://… vite build`.
const apiBase = import.meta.env.VITE_DODO_PORTAL_URL ?? 'http://127.0.0.1:8787';

// Stand-in for your backend, which creates the portal session: take `#session_token=…` from the
// address, then drop it from the address bar and history so the token is not left in the URL.
const sessionToken = new URLSearchParams(location.hash.slice(1)).get('session_token') ?? '';
if (sessionToken) history.replaceState(null, '', location.pathname + location.search);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App apiBase={apiBase} sessionToken={sessionToken} />
  </StrictMode>,
);
