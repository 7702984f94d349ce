// Generated from src/catalogue.json by scripts/catalogue.mjs: do not edit. Registers <dodo-subscription-manager>, after its context provider <dodo-portal>.
import { DodoPortal } from '../components/portal/portal.ts';
import { DodoSubscriptionManager } from '../components/subscription-manager/subscription-manager.ts';
import { defineElement } from './define.ts';

defineElement('dodo-portal', DodoPortal);
defineElement('dodo-subscription-manager', DodoSubscriptionManager);
