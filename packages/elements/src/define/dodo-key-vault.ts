/** Side effect: registers `<dodo-key-vault>`, after its context provider `<dodo-portal>` (lit#2763). */
import { DodoKeyVault } from '../components/key-vault/key-vault.ts';
import { DodoPortal } from '../components/portal/portal.ts';
import { defineElement } from './define.ts';

defineElement('dodo-portal', DodoPortal);
defineElement('dodo-key-vault', DodoKeyVault);
