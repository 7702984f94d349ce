// The hosted portal page. The session token arrives in the URL fragment (#token=…), which browsers
// never send to a server or in a Referer. It is moved to sessionStorage (this tab only) and removed
// from the address bar and history at once; a reload then keeps the session from sessionStorage.
(() => {
  const STORAGE_KEY = 'dodo-portal:session-token';
  const readStorage = () => {
    try {
      return sessionStorage.getItem(STORAGE_KEY);
    } catch {
      return null;
    }
  };
  const writeStorage = (token) => {
    try {
      sessionStorage.setItem(STORAGE_KEY, token);
    } catch {
      // Storage refused (private mode quotas): the session lasts for this page view only.
    }
  };

  const params = new URLSearchParams(location.hash.slice(1));
  const fromFragment = params.get('token');
  if (location.hash) history.replaceState(history.state, '', location.pathname + location.search);
  if (fromFragment) writeStorage(fromFragment);
  const token = fromFragment || readStorage();

  // The page speaks the visitor's language when the portal has it (it reads the closest `lang`).
  const language = (navigator.languages?.[0] || navigator.language || 'en').toLowerCase().split('-')[0];
  document.documentElement.lang = ['en', 'sv', 'de', 'fr', 'es'].includes(language) ? language : 'en';

  const start = () => {
    const portal = document.querySelector('dodo-portal');
    if (!portal) return;
    // Hosted: an ended, bogus or missing session shows the portal's expired face, with the way to
    // a new link by email (not a dead end, and not "go back to the site you came from").
    portal.setAttribute('hosted', '');
    portal.setAttribute('api-base', location.origin);
    if (token) portal.setAttribute('session-token', token);
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
})();
