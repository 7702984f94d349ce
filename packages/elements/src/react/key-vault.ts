// Generated from src/catalogue.json by scripts/catalogue.mjs: do not edit. <DodoKeyVault>: React wrapper of <dodo-key-vault> with typed props and onDodo… event props. Registers the tag.
import * as React from 'react';
import { createComponent } from '@lit/react';
import { DodoKeyVault as ElementClass } from '../components/key-vault/key-vault.ts';
import '../define/dodo-key-vault.ts';
import { elementEvents, handlers } from './handlers.ts';

export const DodoKeyVault = createComponent({
  tagName: 'dodo-key-vault',
  elementClass: ElementClass,
  react: React,
  events: handlers(elementEvents['dodo-key-vault']),
  displayName: 'DodoKeyVault',
});
