// The hosted portal page. The session token arrives in the URL fragment (#token=…), which browsers
// never send to a server or in a Referer. It is moved to sessionStorage (this tab only) and removed
// from the address bar and history at once; a reload then keeps the session from sessionStorage.
(() => {
  const STORAGE_KEY = 'dodo-portal:session-token';
  const MESSAGES = {
    en: {
      signOut: 'Sign out',
      signedOutTitle: 'You are signed out',
      signedOutBody: 'To see your billing again, open the link from your email.',
    },
    sv: {
      signOut: 'Logga ut',
      signedOutTitle: 'Du är utloggad',
      signedOutBody: 'Öppna länken i ditt e-postmeddelande för att se din fakturering igen.',
    },
    de: {
      signOut: 'Abmelden',
      signedOutTitle: 'Sie sind abgemeldet',
      signedOutBody: 'Um Ihre Abrechnung wieder zu sehen, öffnen Sie den Link aus Ihrer E-Mail.',
    },
    fr: {
      signOut: 'Se déconnecter',
      signedOutTitle: 'Vous êtes déconnecté',
      signedOutBody: 'Pour revoir votre facturation, ouvrez le lien reçu par e-mail.',
    },
    es: {
      signOut: 'Cerrar sesión',
      signedOutTitle: 'Has cerrado sesión',
      signedOutBody: 'Para volver a ver tu facturación, abre el enlace de tu correo electrónico.',
    },
  };

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
  let messages = MESSAGES[language] || MESSAGES.en;
  document.documentElement.lang = MESSAGES[language] ? language : 'en';

  const fill = (root) => {
    for (const node of root.querySelectorAll('[data-text]')) {
      const text = messages[node.getAttribute('data-text')];
      if (text) node.textContent = text;
    }
  };

  // Ends the session on the server (the token stops working everywhere), forgets it in this tab,
  // and says so. Offline, the token is still forgotten here.
  const signOut = async (portal, token) => {
    try {
      await fetch('/portal/v1/session', { method: 'DELETE', headers: { authorization: `Bearer ${token}` }, cache: 'no-store' });
    } catch {
      // The server could not be reached: the tab forgets the token all the same.
    }
    try {
      sessionStorage.removeItem(STORAGE_KEY);
    } catch {
      // No storage: nothing was kept.
    }
    portal.remove();
    document.getElementById('session-actions')?.remove();
    const notice = document.getElementById('signed-out');
    if (!notice) return;
    fill(notice);
    notice.hidden = false;
    notice.focus();
  };

  // The customer's language from their session, not the browser's: a German customer who opens
  // the link from a German email on an en-US laptop reads German. Without an answer (an expired
  // token, the network) the portal starts in the browser's language and shows what happened.
  const sessionCheck = async () => {
    try {
      const response = await fetch('/portal/v1/session', { headers: { authorization: `Bearer ${token}` }, cache: 'no-store' });
      if (!response.ok) return { live: false, locale: null };
      const info = await response.json();
      return { live: true, locale: typeof info?.customer?.locale === 'string' && info.customer.locale ? info.customer.locale : null };
    } catch {
      return { live: false, locale: null };
    }
  };
  const session = token ? sessionCheck() : Promise.resolve({ live: false, locale: null });

  const start = async () => {
    const portal = document.querySelector('dodo-portal');
    if (!portal) return;
    // Hosted: an ended, bogus or missing session shows the portal's expired face, with the way to
    // a new link by email (not a dead end, and not "go back to the site you came from").
    portal.setAttribute('hosted', '');
    const { live, locale } = await session;
    if (locale) {
      portal.setAttribute('locale', locale);
      document.documentElement.lang = locale;
      messages = MESSAGES[locale.toLowerCase().split('-')[0]] || messages;
    }
    portal.setAttribute('api-base', location.origin);
    if (!token) return;
    portal.setAttribute('session-token', token);
    // Sign out only where there is a session to end (not on a bogus or ended link's face).
    const actions = document.getElementById('session-actions');
    if (actions && live) {
      fill(actions);
      actions.hidden = false;
      actions.querySelector('button')?.addEventListener('click', () => void signOut(portal, token), { once: true });
      // Once the session ends, the portal's expired face is the way on: nothing left to sign out of.
      portal.addEventListener('dodo-session-expired', () => (actions.hidden = true), { once: true });
    }
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => void start(), { once: true });
  else void start();
})();
