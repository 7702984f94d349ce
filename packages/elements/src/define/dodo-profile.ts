// Generated from src/catalogue.json by scripts/catalogue.mjs: do not edit. Registers <dodo-profile>, after its context provider <dodo-portal>.
import { DodoPortal } from '../components/portal/portal.ts';
import { DodoProfile } from '../components/profile/profile.ts';
import { defineElement } from './define.ts';

defineElement('dodo-portal', DodoPortal);
defineElement('dodo-profile', DodoProfile);
