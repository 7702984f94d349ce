// Generated from src/catalogue.json by scripts/catalogue.mjs: do not edit. Registers <dodo-portal> alone; its complete layout shows a section for each section element the page registers.
import { DodoPortal } from '../components/portal/portal.ts';
import { defineElement } from './define.ts';

defineElement('dodo-portal', DodoPortal);
