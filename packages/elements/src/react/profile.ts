// Generated from src/catalogue.json by scripts/catalogue.mjs: do not edit. <DodoProfile>: React wrapper of <dodo-profile> with typed props and onDodo… event props. Registers the tag.
import * as React from 'react';
import { createComponent } from '@lit/react';
import { DodoProfile as ElementClass } from '../components/profile/profile.ts';
import '../define/dodo-profile.ts';
import { elementEvents, handlers } from './handlers.ts';

export const DodoProfile = createComponent({
  tagName: 'dodo-profile',
  elementClass: ElementClass,
  react: React,
  events: handlers(elementEvents['dodo-profile']),
  displayName: 'DodoProfile',
});
