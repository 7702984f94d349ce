// The magic-link landing page (/magic#code=dpm_…). The code arrives in the fragment, which is
// never sent to a server; it is removed from the address bar and history at once. The page then
// POSTs it to the exchange endpoint (a GET never consumes a code, so link scanners and prefetch
// don't burn it), keeps the session token in sessionStorage (this tab only) and replaces itself
// with the hosted portal, so neither the code nor the token stays in a URL or in history.
// A unified code (dpx_…, from /login or /test/login) is exchanged at the unified endpoint; its
// token (dpu_…) is kept under its own key and the page lands on the unified overview.
(() => {
  const BUSINESS = { endpoint: '/portal/v1/magic-link/exchange', storageKey: 'dodo-portal:session-token', landing: '/portal' };
  const UNIFIED = { endpoint: '/portal/v1/unified/magic-link/exchange', storageKey: 'dodo-portal:unified-token', landing: '/portal/unified' };
  const MESSAGES = {
    en: {
      working: 'Signing you in…',
      used: 'This link was already used',
      usedBody: 'Each sign-in link works once. Ask for a new one and we will email it to you.',
      expired: 'This link has expired',
      expiredBody: 'Sign-in links work for 24 hours. Ask for a new one and we will email it to you.',
      invalid: 'This link is not valid',
      invalidBody: 'Open the newest sign-in link from your email, or ask for a new one.',
      missing: 'This link has no sign-in code',
      missingBody: 'Open the sign-in link from your email again.',
      limited: 'Too many attempts',
      limitedBody: 'Wait a few minutes, then try again.',
      failed: 'We could not sign you in',
      failedBody: 'Check your connection and try again.',
      newLink: 'Email me a new link',
      retry: 'Try again',
    },
    sv: {
      working: 'Loggar in…',
      used: 'Länken har redan använts',
      usedBody: 'Varje inloggningslänk fungerar en gång. Be om en ny så mejlar vi den till dig.',
      expired: 'Länken har slutat gälla',
      expiredBody: 'Inloggningslänkar gäller i 24 timmar. Be om en ny så mejlar vi den till dig.',
      invalid: 'Länken är ogiltig',
      invalidBody: 'Öppna den senaste inloggningslänken i din e-post, eller be om en ny.',
      missing: 'Länken saknar inloggningskod',
      missingBody: 'Öppna inloggningslänken från ditt mejl igen.',
      limited: 'För många försök',
      limitedBody: 'Vänta några minuter och försök sedan igen.',
      failed: 'Vi kunde inte logga in dig',
      failedBody: 'Kontrollera din anslutning och försök igen.',
      newLink: 'Mejla mig en ny länk',
      retry: 'Försök igen',
    },
    de: {
      working: 'Sie werden angemeldet…',
      used: 'Dieser Link wurde bereits verwendet',
      usedBody: 'Jeder Anmeldelink funktioniert nur einmal. Fordern Sie einen neuen an, und wir senden ihn Ihnen per E-Mail.',
      expired: 'Dieser Link ist abgelaufen',
      expiredBody: 'Anmeldelinks sind 24 Stunden gültig. Fordern Sie einen neuen an, und wir senden ihn Ihnen per E-Mail.',
      invalid: 'Dieser Link ist ungültig',
      invalidBody: 'Öffnen Sie den neuesten Anmeldelink aus Ihrer E-Mail, oder fordern Sie einen neuen an.',
      missing: 'Dieser Link enthält keinen Anmeldecode',
      missingBody: 'Öffnen Sie den Anmeldelink aus Ihrer E-Mail erneut.',
      limited: 'Zu viele Versuche',
      limitedBody: 'Warten Sie ein paar Minuten und versuchen Sie es dann erneut.',
      failed: 'Die Anmeldung ist fehlgeschlagen',
      failedBody: 'Prüfen Sie Ihre Internetverbindung und versuchen Sie es erneut.',
      newLink: 'Neuen Link per E-Mail senden',
      retry: 'Erneut versuchen',
    },
    fr: {
      working: 'Connexion en cours…',
      used: 'Ce lien a déjà été utilisé',
      usedBody: 'Chaque lien de connexion ne fonctionne qu’une fois. Demandez-en un nouveau et nous vous l’enverrons par e-mail.',
      expired: 'Ce lien a expiré',
      expiredBody: 'Les liens de connexion sont valables 24\u00a0heures. Demandez-en un nouveau et nous vous l’enverrons par e-mail.',
      invalid: 'Ce lien n’est pas valide',
      invalidBody: 'Ouvrez le lien de connexion le plus récent reçu par e-mail, ou demandez-en un nouveau.',
      missing: 'Ce lien ne contient pas de code de connexion',
      missingBody: 'Rouvrez le lien de connexion reçu par e-mail.',
      limited: 'Trop de tentatives',
      limitedBody: 'Patientez quelques minutes, puis réessayez.',
      failed: 'Impossible de vous connecter',
      failedBody: 'Vérifiez votre connexion et réessayez.',
      newLink: 'Recevoir un nouveau lien',
      retry: 'Réessayer',
    },
    es: {
      working: 'Iniciando sesión…',
      used: 'Este enlace ya se ha usado',
      usedBody: 'Cada enlace de acceso funciona una sola vez. Pide uno nuevo y te lo enviaremos por correo electrónico.',
      expired: 'Este enlace ha caducado',
      expiredBody: 'Los enlaces de acceso son válidos durante 24 horas. Pide uno nuevo y te lo enviaremos por correo electrónico.',
      invalid: 'Este enlace no es válido',
      invalidBody: 'Abre el enlace de acceso más reciente de tu correo electrónico o pide uno nuevo.',
      missing: 'Este enlace no tiene código de acceso',
      missingBody: 'Vuelve a abrir el enlace de acceso de tu correo electrónico.',
      limited: 'Demasiados intentos',
      limitedBody: 'Espera unos minutos y vuelve a intentarlo.',
      failed: 'No pudimos iniciar tu sesión',
      failedBody: 'Comprueba tu conexión e inténtalo de nuevo.',
      newLink: 'Enviarme un enlace nuevo',
      retry: 'Reintentar',
    },
  };

  const code = new URLSearchParams(location.hash.slice(1)).get('code');
  if (location.hash) history.replaceState(null, '', location.pathname);
  const target = code && code.startsWith('dpx_') ? UNIFIED : BUSINESS;

  const language = (navigator.languages?.[0] || navigator.language || 'en').toLowerCase().split('-')[0];
  const messages = MESSAGES[language] || MESSAGES.en;
  document.documentElement.lang = MESSAGES[language] ? language : 'en';

  const show = (title, body, options = {}) => {
    const section = document.getElementById('magic');
    const heading = section.querySelector('h1');
    const paragraph = section.querySelector('[data-text="workingBody"]');
    heading.textContent = messages[title];
    document.title = messages[title];
    paragraph.textContent = body ? messages[body] : '';
    paragraph.hidden = !body;
    const link = document.getElementById('new-link');
    link.textContent = messages.newLink;
    link.hidden = !options.loginUrl;
    if (options.loginUrl) link.href = options.loginUrl;
    const retry = document.getElementById('retry');
    retry.textContent = messages.retry;
    retry.hidden = !options.retry;
  };

  const exchange = async () => {
    show('working');
    let response;
    try {
      response = await fetch(target.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code }),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch {
      show('failed', 'failedBody', { retry: true });
      return;
    }
    const body = await response.json().catch(() => null);
    if (response.status === 201 && body && typeof body.session_token === 'string') {
      try {
        sessionStorage.setItem(target.storageKey, body.session_token);
        location.replace(target.landing);
      } catch {
        // No storage (locked-down browser): hand the token over in the fragment instead.
        location.replace(`${target.landing}#token=${encodeURIComponent(body.session_token)}`);
      }
      return;
    }
    const error = (body && body.error) || {};
    const loginUrl = typeof error.login_url === 'string' && /^https?:\/\//.test(error.login_url) ? error.login_url : undefined;
    if (error.code === 'magic_link_used') show('used', 'usedBody', { loginUrl });
    else if (error.code === 'magic_link_expired') show('expired', 'expiredBody', { loginUrl });
    else if (error.code === 'rate_limited') show('limited', 'limitedBody', { retry: true });
    else if (response.status === 404 || response.status === 400) show('invalid', 'invalidBody');
    else show('failed', 'failedBody', { retry: true });
  };

  const start = () => {
    document.getElementById('retry').addEventListener('click', () => void exchange());
    if (!code) show('missing', 'missingBody');
    else void exchange();
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
})();
