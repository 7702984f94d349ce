// The hosted portal page. The session token arrives in the URL fragment (#token=…), which browsers
// never send to a server or in a Referer. It is moved to sessionStorage (this tab only) and removed
// from the address bar and history at once; a reload then keeps the session from sessionStorage.
(() => {
  const STORAGE_KEY = 'dodo-portal:session-token';
  const MESSAGES = {
    en: {
      noSessionTitle: 'This link has no session',
      noSessionBody: 'Open the billing link from your email (or your account page) again.',
    },
    sv: {
      noSessionTitle: 'Länken saknar session',
      noSessionBody: 'Öppna faktureringslänken från ditt e-postmeddelande (eller din kontosida) igen.',
    },
    de: {
      noSessionTitle: 'Dieser Link enthält keine Sitzung',
      noSessionBody: 'Öffnen Sie den Abrechnungslink aus Ihrer E-Mail (oder Ihrer Kontoseite) erneut.',
    },
    fr: {
      noSessionTitle: 'Ce lien ne contient pas de session',
      noSessionBody: 'Rouvrez le lien de facturation depuis votre e-mail (ou la page de votre compte).',
    },
    es: {
      noSessionTitle: 'Este enlace no tiene sesión',
      noSessionBody: 'Vuelve a abrir el enlace de facturación desde tu correo electrónico (o desde la página de tu cuenta).',
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

  const language = (navigator.languages?.[0] || navigator.language || 'en').toLowerCase().split('-')[0];
  const messages = MESSAGES[language] || MESSAGES.en;
  document.documentElement.lang = MESSAGES[language] ? language : 'en';

  // The customer's language from their session, not the browser's: a German customer who opens
  // the link from a German email on an en-US laptop reads German. Without an answer (an expired
  // token, the network) the portal starts in the browser's language and shows what happened.
  const customerLocale = async () => {
    try {
      const response = await fetch('/portal/v1/session', { headers: { authorization: `Bearer ${token}` }, cache: 'no-store' });
      if (!response.ok) return null;
      const info = await response.json();
      return typeof info?.customer?.locale === 'string' && info.customer.locale ? info.customer.locale : null;
    } catch {
      return null;
    }
  };
  const sessionLocale = token ? customerLocale() : Promise.resolve(null);

  const start = async () => {
    const portal = document.querySelector('dodo-portal');
    if (token && portal) {
      const locale = await sessionLocale;
      if (locale) {
        portal.setAttribute('locale', locale);
        document.documentElement.lang = locale;
      }
      portal.setAttribute('api-base', location.origin);
      portal.setAttribute('session-token', token);
      return;
    }
    if (portal) portal.hidden = true;
    const notice = document.getElementById('no-session');
    if (!notice) return;
    for (const node of notice.querySelectorAll('[data-text]')) {
      const text = messages[node.getAttribute('data-text')];
      if (text) node.textContent = text;
    }
    notice.hidden = false;
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => void start(), { once: true });
  else void start();
})();
