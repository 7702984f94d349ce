// Generated from src/catalogue.json by scripts/catalogue.mjs: do not edit. Registers <dodo-plan-switcher>, after its context provider <dodo-portal>.
import { DodoPlanSwitcher } from '../components/plan-switcher/plan-switcher.ts';
import { DodoPortal } from '../components/portal/portal.ts';
import { defineElement } from './define.ts';

defineElement('dodo-portal', DodoPortal);
defineElement('dodo-plan-switcher', DodoPlanSwitcher);
