// Generated from src/catalogue.json by scripts/catalogue.mjs: do not edit. <DodoUnifiedPortal>: React wrapper of <dodo-unified-portal> with typed props and onDodo… event props. Registers the tag.
import * as React from 'react';
import { createComponent } from '@lit/react';
import { DodoUnifiedPortal as ElementClass } from '../components/unified-portal/unified-portal.ts';
import '../define/dodo-unified-portal.ts';
import { elementEvents, handlers } from './handlers.ts';

export const DodoUnifiedPortal = createComponent({
  tagName: 'dodo-unified-portal',
  elementClass: ElementClass,
  react: React,
  events: handlers(elementEvents['dodo-unified-portal']),
  displayName: 'DodoUnifiedPortal',
});
