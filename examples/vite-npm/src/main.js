// Each define entry registers one element (and <dodo-portal>, the provider it needs). Nothing else
// of the package reaches the bundle: the package lists exactly these files as side effects.
import '@dodo-portal/elements/define/dodo-invoice-list';
import '@dodo-portal/elements/define/dodo-subscription-manager';

/** @type {import('@dodo-portal/elements').DodoPortal} */
const portal = document.querySelector('dodo-portal');
const notice = document.querySelector('.notice');

// The portal server's origin is build-time configuration: `VITE_DODO_PORTAL_URL=https://… vite build`.
portal.apiBase = import.meta.env.VITE_DODO_PORTAL_URL ?? 'http://127.0.0.1:8787';

// Stand-in for your backend: take `#session_token=…` from the address, then drop it from the
// address bar and history so the token is not left in the URL.
const token = new URLSearchParams(location.hash.slice(1)).get('session_token');
if (token) {
  portal.sessionToken = token;
  history.replaceState(null, '', location.pathname + location.search);
}

// The merchant's page reacts to the portal's events: here, a revoked or expired session.
portal.addEventListener('dodo-session-expired', () => {
  notice.textContent = 'Your billing session has ended. Reload the page from your account to continue.';
  notice.hidden = false;
});

// Subscription changes are the merchant's business too (e.g. to update its own records).
document.addEventListener('dodo-subscription-cancelled', (event) => {
  console.info('subscription cancelled', event.detail.subscription.subscription_id);
});
