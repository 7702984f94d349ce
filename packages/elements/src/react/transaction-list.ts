// Generated from src/catalogue.json by scripts/catalogue.mjs: do not edit. <DodoTransactionList>: React wrapper of <dodo-transaction-list> with typed props and onDodo… event props. Registers the tag.
import * as React from 'react';
import { createComponent } from '@lit/react';
import { DodoTransactionList as ElementClass } from '../components/transaction-list/transaction-list.ts';
import '../define/dodo-transaction-list.ts';
import { elementEvents, handlers } from './handlers.ts';

export const DodoTransactionList = createComponent({
  tagName: 'dodo-transaction-list',
  elementClass: ElementClass,
  react: React,
  events: handlers(elementEvents['dodo-transaction-list']),
  displayName: 'DodoTransactionList',
});
