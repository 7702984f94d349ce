// Generated from src/catalogue.json by scripts/catalogue.mjs: do not edit. Registers <dodo-transaction-list>, after its context provider <dodo-portal>.
import { DodoPortal } from '../components/portal/portal.ts';
import { DodoTransactionList } from '../components/transaction-list/transaction-list.ts';
import { defineElement } from './define.ts';

defineElement('dodo-portal', DodoPortal);
defineElement('dodo-transaction-list', DodoTransactionList);
