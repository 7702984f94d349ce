/**
 * Side effect: registers `<dodo-payment-method-editor>`, after its context provider `<dodo-portal>`,
 * so the editor never asks for context before anyone can answer (lit#2763).
 */
import { DodoPaymentMethodEditor } from '../components/payment-method-editor/payment-method-editor.ts';
import { DodoPortal } from '../components/portal/portal.ts';
import { defineElement } from './define.ts';

defineElement('dodo-portal', DodoPortal);
defineElement('dodo-payment-method-editor', DodoPaymentMethodEditor);
