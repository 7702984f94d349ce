// Generated from src/catalogue.json by scripts/catalogue.mjs: do not edit. <DodoInvoiceList>: React wrapper of <dodo-invoice-list> with typed props and onDodo… event props. Registers the tag.
import * as React from 'react';
import { createComponent } from '@lit/react';
import { DodoInvoiceList as ElementClass } from '../components/invoice-list/invoice-list.ts';
import '../define/dodo-invoice-list.ts';
import { elementEvents, handlers } from './handlers.ts';

export const DodoInvoiceList = createComponent({
  tagName: 'dodo-invoice-list',
  elementClass: ElementClass,
  react: React,
  events: handlers(elementEvents['dodo-invoice-list']),
  displayName: 'DodoInvoiceList',
});
