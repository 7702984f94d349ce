// Generated from src/catalogue.json by scripts/catalogue.mjs: do not edit. <DodoSubscriptionManager>: React wrapper of <dodo-subscription-manager> with typed props and onDodo… event props. Registers the tag.
import * as React from 'react';
import { createComponent } from '@lit/react';
import { DodoSubscriptionManager as ElementClass } from '../components/subscription-manager/subscription-manager.ts';
import '../define/dodo-subscription-manager.ts';
import { elementEvents, handlers } from './handlers.ts';

export const DodoSubscriptionManager = createComponent({
  tagName: 'dodo-subscription-manager',
  elementClass: ElementClass,
  react: React,
  events: handlers(elementEvents['dodo-subscription-manager']),
  displayName: 'DodoSubscriptionManager',
});
