// Generated from src/catalogue.json by scripts/catalogue.mjs: do not edit. Registers <dodo-invoice-list>, after its context provider <dodo-portal>.
import { DodoInvoiceList } from '../components/invoice-list/invoice-list.ts';
import { DodoPortal } from '../components/portal/portal.ts';
import { defineElement } from './define.ts';

defineElement('dodo-portal', DodoPortal);
defineElement('dodo-invoice-list', DodoInvoiceList);
