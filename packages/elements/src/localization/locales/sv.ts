/**
 * Swedish. Keys are the `id`s given to `msg()`; `${0}` stands for the source string's first
 * expression. Loaded on demand by `applyLocale()`.
 */
import { str } from '@lit/localize';

export const templates = {
  'invoice-list.caption': 'Fakturor',
  'invoice-list.column.number': 'Nummer',
  'invoice-list.column.date': 'Datum',
  'invoice-list.column.status': 'Status',
  'invoice-list.column.total': 'Belopp',
  'invoice-list.column.download': 'Ladda ned',
  'invoice-list.download': 'Ladda ned PDF',
  'invoice-list.download.pending': 'Laddar ned…',
  'invoice-list.download.error': 'Nedladdningen misslyckades. Försök igen.',
  'invoice-list.empty': 'Inga fakturor än',
  'invoice-list.empty.body': 'Dina fakturor visas här när du har fakturerats.',
  'invoice-list.error': 'Det gick inte att hämta dina fakturor.',
  'invoice-list.error.body': 'Kontrollera din anslutning och försök igen.',
  'invoice-list.retry': 'Försök igen',
  'invoice-list.loading': 'Hämtar fakturor…',
  'invoice-list.pagination': 'Fakturasidor',
  'invoice-list.previous': 'Föregående',
  'invoice-list.next': 'Nästa',
  'invoice-list.page': str`Sida ${0}`,
  'invoice-status.paid': 'Betald',
  'invoice-status.open': 'Obetald',
  'invoice-status.void': 'Makulerad',
  'session-expired': 'Din session har gått ut',
  'session-expired.body':
    'Av säkerhetsskäl gäller länkar till kundportalen bara en begränsad tid. Gå tillbaka till webbplatsen du kom från och öppna kundportalen igen för att få en ny länk.',
  'session-expired.return': 'Gå tillbaka',
  'session-expired.return-to': str`Tillbaka till ${0}`,
  'portal.title': 'Fakturering',
  'portal.return': 'Tillbaka till webbplatsen',
};
