// Generated from src/catalogue.json by scripts/catalogue.mjs: do not edit. Registers <dodo-key-vault>, after its context provider <dodo-portal>.
import { DodoKeyVault } from '../components/key-vault/key-vault.ts';
import { DodoPortal } from '../components/portal/portal.ts';
import { defineElement } from './define.ts';

defineElement('dodo-portal', DodoPortal);
defineElement('dodo-key-vault', DodoKeyVault);
