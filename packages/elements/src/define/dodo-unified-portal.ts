// Generated from src/catalogue.json by scripts/catalogue.mjs: do not edit. Registers <dodo-unified-portal>, after <dodo-portal>, and every element of the complete portal's sections.
import { DodoInvoiceList } from '../components/invoice-list/invoice-list.ts';
import { DodoKeyVault } from '../components/key-vault/key-vault.ts';
import { DodoPaymentMethodEditor } from '../components/payment-method-editor/payment-method-editor.ts';
import { DodoPortal } from '../components/portal/portal.ts';
import { DodoProfile } from '../components/profile/profile.ts';
import { DodoSubscriptionManager } from '../components/subscription-manager/subscription-manager.ts';
import { DodoTransactionList } from '../components/transaction-list/transaction-list.ts';
import { DodoUnifiedPortal } from '../components/unified-portal/unified-portal.ts';
import { defineElement } from './define.ts';

defineElement('dodo-portal', DodoPortal);
defineElement('dodo-subscription-manager', DodoSubscriptionManager);
defineElement('dodo-payment-method-editor', DodoPaymentMethodEditor);
defineElement('dodo-invoice-list', DodoInvoiceList);
defineElement('dodo-transaction-list', DodoTransactionList);
defineElement('dodo-key-vault', DodoKeyVault);
defineElement('dodo-profile', DodoProfile);
defineElement('dodo-unified-portal', DodoUnifiedPortal);
