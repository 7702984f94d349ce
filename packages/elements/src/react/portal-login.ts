// Generated from src/catalogue.json by scripts/catalogue.mjs: do not edit. <DodoPortalLogin>: React wrapper of <dodo-portal-login> with typed props and onDodo… event props. Registers the tag.
import * as React from 'react';
import { createComponent } from '@lit/react';
import { DodoPortalLogin as ElementClass } from '../components/portal-login/portal-login.ts';
import '../define/dodo-portal-login.ts';
import { elementEvents, handlers } from './handlers.ts';

export const DodoPortalLogin = createComponent({
  tagName: 'dodo-portal-login',
  elementClass: ElementClass,
  react: React,
  events: handlers(elementEvents['dodo-portal-login']),
  displayName: 'DodoPortalLogin',
});
