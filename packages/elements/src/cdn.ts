// Generated from src/catalogue.json by scripts/catalogue.mjs: do not edit. The CDN script (`<script src=".../dodo-portal.js">`): registers every element, the context provider first.
import './define/dodo-portal.ts';
import './define/dodo-subscription-manager.ts';
import './define/dodo-payment-method-editor.ts';
import './define/dodo-invoice-list.ts';
import './define/dodo-transaction-list.ts';
import './define/dodo-key-vault.ts';
import './define/dodo-profile.ts';
import './define/dodo-plan-switcher.ts';
import './define/dodo-portal-login.ts';
import './define/dodo-unified-portal.ts';
