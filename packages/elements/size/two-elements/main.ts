// The package's own npm entries, as a merchant's app imports them (resolved through `exports`).
import '@dodo-portal/elements/define/dodo-portal';
import '@dodo-portal/elements/define/dodo-invoice-list';
