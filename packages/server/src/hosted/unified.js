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
    },
    sv: {
      noSessionTitle: 'Du är inte inloggad',
      noSessionBody: 'Öppna inloggningslänken från ditt mejl igen.',
    },
    de: {
      noSessionTitle: 'Sie sind nicht angemeldet',
      noSessionBody: 'Öffnen Sie den Anmeldelink aus Ihrer E-Mail erneut.',
    },
    fr: {
      noSessionTitle: 'Vous n’êtes pas connecté',
      noSessionBody: 'Rouvrez le lien de connexion reçu par e-mail.',
    },
    es: {
      noSessionTitle: 'No has iniciado sesión',
      noSessionBody: 'Vuelve a abrir el enlace de acceso de tu correo electrónico.',
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
      return;
    }
    portal.hidden = true;
    const notice = document.getElementById('no-session');
    if (!notice) return;
    for (const node of notice.querySelectorAll('[data-text]')) {
      const text = messages[node.getAttribute('data-text')];
      if (text) node.textContent = text;
    }
    notice.hidden = false;
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
})();
