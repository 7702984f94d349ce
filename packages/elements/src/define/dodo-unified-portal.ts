/**
 * Side effect: registers `<dodo-unified-portal>` and the `<dodo-portal>` it renders for an opened
 * business (which registers `<dodo-invoice-list>` in turn).
 */
import { DodoUnifiedPortal } from '../components/unified-portal/unified-portal.ts';
import { defineElement } from './define.ts';

defineElement('dodo-unified-portal', DodoUnifiedPortal);
