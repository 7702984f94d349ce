// Takes `#session_token=…` from the address, hands it to <dodo-portal> and drops it from the
// address bar and history, so the token is not left in the URL (or shared by copy-paste).
const params = new URLSearchParams(location.hash.slice(1));
const token = params.get('session_token');
if (token) {
  document.querySelector('dodo-portal')?.setAttribute('session-token', token);
  history.replaceState(null, '', location.pathname + location.search);
}
