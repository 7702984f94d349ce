/**
 * Side effect: registers `<dodo-subscription-manager>` (and the `<dodo-plan-switcher>` it opens),
 * after its context provider `<dodo-portal>` (lit#2763).
 */
import { DodoPortal } from '../components/portal/portal.ts';
import { DodoSubscriptionManager } from '../components/subscription-manager/subscription-manager.ts';
import { defineElement } from './define.ts';

defineElement('dodo-portal', DodoPortal);
defineElement('dodo-subscription-manager', DodoSubscriptionManager);
