// What the hosted portal pages share (served in front of hosted.js and unified.js, one script
// each): the session token kept for this tab only, the page's own texts in the visitor's language,
// and signing out. The token arrives in the URL fragment (#token=…), which browsers never send to a
// server or in a Referer; it is moved to sessionStorage and dropped from the address bar and
// history at once, so a reload keeps the session and nothing else can read or log it.
const tabSession = (storageKey) => {
  const read = () => {
    try {
      return sessionStorage.getItem(storageKey);
    } catch {
      return null;
    }
  };
  const write = (token) => {
    try {
      sessionStorage.setItem(storageKey, token);
    } catch {
      // Storage refused (private mode quotas): the session lasts for this page view only.
    }
  };
  const forget = () => {
    try {
      sessionStorage.removeItem(storageKey);
    } catch {
      // No storage: nothing was kept.
    }
  };

  const fromFragment = new URLSearchParams(location.hash.slice(1)).get('token');
  if (location.hash) history.replaceState(history.state, '', location.pathname + location.search);
  if (fromFragment) write(fromFragment);

  /** Writes `messages[data-text]` into every marked node under `root`. */
  const fill = (root, messages) => {
    for (const node of root.querySelectorAll('[data-text]')) {
      const text = messages[node.getAttribute('data-text')];
      if (text) node.textContent = text;
    }
  };

  /**
   * Shows the page's Sign out button for `token`. Signing out ends the session on the server
   * (`DELETE endpoint`; the token stops working everywhere), forgets it in this tab and says so.
   * Offline, the token is still forgotten here.
   */
  const offerSignOut = (portal, token, endpoint, messages) => {
    const actions = document.getElementById('session-actions');
    if (!actions) return;
    fill(actions, messages);
    actions.hidden = false;
    const signOut = async () => {
      try {
        await fetch(endpoint, { method: 'DELETE', headers: { authorization: `Bearer ${token}` }, cache: 'no-store' });
      } catch {
        // The server could not be reached: the tab forgets the token all the same.
      }
      forget();
      portal.remove();
      actions.remove();
      const notice = document.getElementById('signed-out');
      if (!notice) return;
      fill(notice, messages);
      notice.hidden = false;
      notice.focus();
    };
    actions.querySelector('button')?.addEventListener('click', () => void signOut(), { once: true });
    // Once the session ends, the portal's expired face is the way on: nothing left to sign out of.
    portal.addEventListener('dodo-session-expired', () => (actions.hidden = true), { once: true });
  };

  return { token: fromFragment || read(), fill, offerSignOut };
};
