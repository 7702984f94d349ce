// Generated from src/catalogue.json by scripts/catalogue.mjs: do not edit. Registers <dodo-portal-login>.
import { DodoPortalLogin } from '../components/portal-login/portal-login.ts';
import { defineElement } from './define.ts';

defineElement('dodo-portal-login', DodoPortalLogin);
