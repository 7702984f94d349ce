// The unified portal's hosted pages: the login page (/login, /test/login) and the overview
// (/portal/unified). On both it sets <html lang> from the browser, so the elements speak the
// customer's language. On the overview it reads the unified token that /magic.js stored in
// sessionStorage (this tab only, never persistent storage; or, when storage was refused, from the
// #token= fragment, dropped from the address bar and history at once) and hands it to
// <dodo-unified-portal>. A reload keeps the session.
(() => {
  const STORAGE_KEY = 'dodo-portal:unified-token';
  const MESSAGES = {
    en: {
      noSessionTitle: 'You are not signed in',
      noSessionBody: 'Open the sign-in link from your email again.',
      signOut: 'Sign out',
      signedOutTitle: 'You are signed out',
      signedOutBody: 'To see your billing again, sign in with your email.',
    },
    sv: {
      noSessionTitle: 'Du är inte inloggad',
      noSessionBody: 'Öppna inloggningslänken från ditt mejl igen.',
      signOut: 'Logga ut',
      signedOutTitle: 'Du är utloggad',
      signedOutBody: 'Logga in med din e-postadress för att se din fakturering igen.',
    },
    de: {
      noSessionTitle: 'Sie sind nicht angemeldet',
      noSessionBody: 'Öffnen Sie den Anmeldelink aus Ihrer E-Mail erneut.',
      signOut: 'Abmelden',
      signedOutTitle: 'Sie sind abgemeldet',
      signedOutBody: 'Um Ihre Abrechnung wieder zu sehen, melden Sie sich mit Ihrer E-Mail-Adresse an.',
    },
    fr: {
      noSessionTitle: 'Vous n’êtes pas connecté',
      noSessionBody: 'Rouvrez le lien de connexion reçu par e-mail.',
      signOut: 'Se déconnecter',
      signedOutTitle: 'Vous êtes déconnecté',
      signedOutBody: 'Pour revoir votre facturation, connectez-vous avec votre adresse e-mail.',
    },
    es: {
      noSessionTitle: 'No has iniciado sesión',
      noSessionBody: 'Vuelve a abrir el enlace de acceso de tu correo electrónico.',
      signOut: 'Cerrar sesión',
      signedOutTitle: 'Has cerrado sesión',
      signedOutBody: 'Para volver a ver tu facturación, inicia sesión con tu correo electrónico.',
    },
  };

  const language = (navigator.languages?.[0] || navigator.language || 'en').toLowerCase().split('-')[0];
  const messages = MESSAGES[language] || MESSAGES.en;
  document.documentElement.lang = MESSAGES[language] ? language : 'en';

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
      // Storage refused: the session lasts for this page view only.
    }
  };

  const fill = (root) => {
    for (const node of root.querySelectorAll('[data-text]')) {
      const text = messages[node.getAttribute('data-text')];
      if (text) node.textContent = text;
    }
  };

  // Ends the unified session on the server and forgets it in this tab (offline: the tab forgets it).
  const signOut = async (portal, token) => {
    try {
      await fetch('/portal/v1/unified/session', { method: 'DELETE', headers: { authorization: `Bearer ${token}` }, cache: 'no-store' });
    } catch {
      // Unreachable server: the token is forgotten here all the same.
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

  // At once, before anything else can read or log the address.
  const fromFragment = new URLSearchParams(location.hash.slice(1)).get('token');
  if (location.hash) history.replaceState(history.state, '', location.pathname + location.search);
  if (fromFragment) writeStorage(fromFragment);

  const start = () => {
    const portal = document.querySelector('dodo-unified-portal');
    if (!portal) return; // the login page
    const token = fromFragment || readStorage();
    if (token) {
      portal.setAttribute('api-base', location.origin);
      portal.setAttribute('session-token', token);
      const actions = document.getElementById('session-actions');
      if (actions) {
        fill(actions);
        actions.hidden = false;
        actions.querySelector('button')?.addEventListener('click', () => void signOut(portal, token), { once: true });
      }
      return;
    }
    portal.hidden = true;
    const notice = document.getElementById('no-session');
    if (!notice) return;
    fill(notice);
    notice.hidden = false;
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
})();
