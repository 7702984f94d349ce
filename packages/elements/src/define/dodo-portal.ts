/**
 * Side effect: registers `<dodo-portal>` alone. Its full layout shows a section for each portal
 * element the page has registered (import their `define/*` entries too, or compose them as children).
 */
import { DodoPortal } from '../components/portal/portal.ts';
import { defineElement } from './define.ts';

defineElement('dodo-portal', DodoPortal);
