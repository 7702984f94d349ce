/** Side effect: registers `<dodo-portal-login>` (it needs no `<dodo-portal>` around it). */
import { DodoPortalLogin } from '../components/portal-login/portal-login.ts';
import { defineElement } from './define.ts';

defineElement('dodo-portal-login', DodoPortalLogin);
