// Generated from src/catalogue.json by scripts/catalogue.mjs: do not edit. Registers <dodo-payment-method-editor>, after its context provider <dodo-portal>.
import { DodoPaymentMethodEditor } from '../components/payment-method-editor/payment-method-editor.ts';
import { DodoPortal } from '../components/portal/portal.ts';
import { defineElement } from './define.ts';

defineElement('dodo-portal', DodoPortal);
defineElement('dodo-payment-method-editor', DodoPaymentMethodEditor);
