// Generated from src/catalogue.json by scripts/catalogue.mjs: do not edit. <DodoPlanSwitcher>: React wrapper of <dodo-plan-switcher> with typed props and onDodo… event props. Registers the tag.
import * as React from 'react';
import { createComponent } from '@lit/react';
import { DodoPlanSwitcher as ElementClass } from '../components/plan-switcher/plan-switcher.ts';
import '../define/dodo-plan-switcher.ts';
import { elementEvents, handlers } from './handlers.ts';

export const DodoPlanSwitcher = createComponent({
  tagName: 'dodo-plan-switcher',
  elementClass: ElementClass,
  react: React,
  events: handlers(elementEvents['dodo-plan-switcher']),
  displayName: 'DodoPlanSwitcher',
});
