/** Side effect: registers `<dodo-portal>` and the elements it renders (`<dodo-invoice-list>`). */
import { DodoPortal } from '../components/portal/portal.ts';
import { defineElement } from './define.ts';

defineElement('dodo-portal', DodoPortal);
