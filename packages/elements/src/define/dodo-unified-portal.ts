/**
 * Side effect: registers `<dodo-unified-portal>`, the `<dodo-portal>` it renders for an opened
 * business, and every section that portal shows (subscriptions, payment methods, invoices,
 * transactions, license keys, profile): the unified portal is the complete experience.
 * `<dodo-portal>` comes first, so it provides context before its consumers ask (lit#2763).
 */
import './dodo-portal.ts';
import './dodo-subscription-manager.ts';
import './dodo-payment-method-editor.ts';
import './dodo-invoice-list.ts';
import './dodo-transaction-list.ts';
import './dodo-key-vault.ts';
import './dodo-profile.ts';
import { DodoUnifiedPortal } from '../components/unified-portal/unified-portal.ts';
import { defineElement } from './define.ts';

defineElement('dodo-unified-portal', DodoUnifiedPortal);
