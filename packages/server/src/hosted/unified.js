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

  const session = tabSession(STORAGE_KEY);

  const fill = (root) => session.fill(root, messages);

  const start = () => {
    const portal = document.querySelector('dodo-unified-portal');
    if (!portal) return; // the login page
    const token = session.token;
    if (token) {
      portal.setAttribute('api-base', location.origin);
      portal.setAttribute('session-token', token);
      session.offerSignOut(portal, token, '/portal/v1/unified/session', messages);
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
