// Generated from src/catalogue.json by scripts/catalogue.mjs: do not edit. <DodoPaymentMethodEditor>: React wrapper of <dodo-payment-method-editor> with typed props and onDodo… event props. Registers the tag.
import * as React from 'react';
import { createComponent } from '@lit/react';
import { DodoPaymentMethodEditor as ElementClass } from '../components/payment-method-editor/payment-method-editor.ts';
import '../define/dodo-payment-method-editor.ts';
import { elementEvents, handlers } from './handlers.ts';

export const DodoPaymentMethodEditor = createComponent({
  tagName: 'dodo-payment-method-editor',
  elementClass: ElementClass,
  react: React,
  events: handlers(elementEvents['dodo-payment-method-editor']),
  displayName: 'DodoPaymentMethodEditor',
});
