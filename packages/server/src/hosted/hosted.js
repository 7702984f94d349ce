// The hosted portal page: the session token kept for this tab (tab-session.js, served in front of
// this file), the portal in the customer's language, and Sign out for a live session.
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

  const session = tabSession(STORAGE_KEY);
  const token = session.token;

  // The page speaks the visitor's language when the portal has it (it reads the closest `lang`).
  const language = (navigator.languages?.[0] || navigator.language || 'en').toLowerCase().split('-')[0];
  let messages = MESSAGES[language] || MESSAGES.en;
  document.documentElement.lang = MESSAGES[language] ? language : 'en';

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
  const checked = token ? sessionCheck() : Promise.resolve({ live: false, locale: null });

  const start = async () => {
    const portal = document.querySelector('dodo-portal');
    if (!portal) return;
    // Hosted: an ended, bogus or missing session shows the portal's expired face, with the way to
    // a new link by email (not a dead end, and not "go back to the site you came from").
    portal.setAttribute('hosted', '');
    const { live, locale } = await checked;
    if (locale) {
      portal.setAttribute('locale', locale);
      document.documentElement.lang = locale;
      messages = MESSAGES[locale.toLowerCase().split('-')[0]] || messages;
    }
    portal.setAttribute('api-base', location.origin);
    if (!token) return;
    portal.setAttribute('session-token', token);
    // Sign out only where there is a session to end (not on a bogus or ended link's face).
    if (live) session.offerSignOut(portal, token, '/portal/v1/session', messages);
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => void start(), { once: true });
  else void start();
})();
