/** Side effect: registers `<dodo-profile>`, after its context provider `<dodo-portal>` (lit#2763). */
import { DodoPortal } from '../components/portal/portal.ts';
import { DodoProfile } from '../components/profile/profile.ts';
import { defineElement } from './define.ts';

defineElement('dodo-portal', DodoPortal);
defineElement('dodo-profile', DodoProfile);
