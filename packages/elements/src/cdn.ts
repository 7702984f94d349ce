/**
 * The CDN script (`<script src=".../dodo-portal.js">`): registers every element. The provider,
 * `<dodo-portal>`, is defined first.
 */
import './define/dodo-portal.ts';
import './define/dodo-invoice-list.ts';
import './define/dodo-portal-login.ts';
import './define/dodo-unified-portal.ts';
