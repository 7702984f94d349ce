/**
 * Side effect: registers `<dodo-invoice-list>`, after its context provider `<dodo-portal>`, so the
 * list never asks for context before anyone can answer (lit#2763).
 */
import { DodoInvoiceList } from '../components/invoice-list/invoice-list.ts';
import { DodoPortal } from '../components/portal/portal.ts';
import { defineElement } from './define.ts';

defineElement('dodo-portal', DodoPortal);
defineElement('dodo-invoice-list', DodoInvoiceList);
