// Generated from src/catalogue.json by scripts/catalogue.mjs: do not edit. <DodoPortal>: React wrapper of <dodo-portal> with typed props and onDodo… event props. Registers the tag.
import * as React from 'react';
import { createComponent } from '@lit/react';
import { DodoPortal as ElementClass } from '../components/portal/portal.ts';
import '../define/dodo-portal.ts';
import { elementEvents, handlers } from './handlers.ts';

export const DodoPortal = createComponent({
  tagName: 'dodo-portal',
  elementClass: ElementClass,
  react: React,
  events: handlers(elementEvents['dodo-portal']),
  displayName: 'DodoPortal',
});
