/** Spanish emails (neutral, «tú»), greeting in the letter form «Hola, Ana:». */
import type { MailCatalogue } from './catalogue.ts';

const intervals: MailCatalogue['intervals'] = { day: ['día', 'días'], week: ['semana', 'semanas'], month: ['mes', 'meses'], year: ['año', 'años'] };

const signIn = {
  greeting: (name: string) => `Hola, ${name}:`,
  button: 'Iniciar sesión',
  expiry: (when: string) => `El enlace caduca el ${when}. No reenvíes este correo.`,
  ignore: 'Si no pediste iniciar sesión, puedes ignorar este correo: no cambia nada mientras no se use el enlace.',
};

export const es: MailCatalogue = {
  portalLink: {
    subject: (business) => `Tu enlace al portal de facturación de ${business}`,
    greeting: (name) => `Hola, ${name}:`,
    intro: (business) => `Este es tu enlace al portal de facturación de ${business}, donde puedes ver y descargar tus facturas.`,
    button: 'Abrir el portal de facturación',
    expiry: (when) => `El enlace funciona hasta el ${when}. No reenvíes este correo: cualquiera que tenga el enlace puede ver tu facturación.`,
    ignore: 'Si no esperabas este correo, puedes ignorarlo.',
  },
  signInLink: {
    ...signIn,
    subject: (business) => `Inicia sesión en tu facturación de ${business}`,
    intro: (business) => `Usa el botón de abajo para iniciar sesión en el portal de facturación de ${business}. El enlace solo funciona una vez.`,
  },
  unifiedSignIn: {
    ...signIn,
    subject: (businesses) => `Inicia sesión en tu facturación de ${businesses}`,
    intro: (businesses) => `Usa el botón de abajo para ver en un solo lugar tus facturas y suscripciones de ${businesses}. El enlace solo funciona una vez.`,
  },
  intervals,
  // «al mes», «al año», but «a la semana»; «cada 3 meses».
  every: (count, interval) => (count === 1 ? `${interval === 'week' ? 'a la' : 'al'} ${intervals[interval][0]}` : `cada ${count} ${intervals[interval][1]}`),
  common: {
    greeting: (name) => `Hola, ${name}:`,
    button: 'Gestionar tu facturación',
    footer: 'Recibes este correo porque eres cliente de',
    questions: (business) => `¿Tienes preguntas sobre tu facturación? Ponte en contacto con ${business}.`,
  },
  receipt: ({ business, total }) => ({
    subject: `Tu recibo de ${business}: ${total}`,
    thanks: `Gracias por tu pago a ${business}. Este es tu recibo.`,
    amount: 'Importe pagado',
    date: 'Fecha',
    item: 'Descripción',
    invoice: 'Factura',
    reference: 'Referencia del pago',
  }),
  paymentFailed: ({ business, total, productName, onHold }) => ({
    subject: onHold ? `Tu suscripción a ${productName} con ${business} está en pausa` : `No se pudo completar tu pago de ${total} a ${business}`,
    failed: `No pudimos cobrar ${total} por ${productName}.`,
    next: onHold
      ? 'Tu suscripción está en pausa hasta que se complete el pago. Actualiza tu método de pago para continuar.'
      : 'Actualiza tu método de pago para que tu suscripción continúe sin interrupciones.',
    amount: 'Importe pendiente',
    date: 'Fecha del intento',
    reason: 'Motivo',
  }),
  reactivated: ({ business, productName }) => ({
    subject: `Tu suscripción a ${productName} con ${business} vuelve a estar activa`,
    body: `Buenas noticias: tu suscripción a ${productName} vuelve a estar activa.`,
    plan: 'Plan',
    price: 'Precio',
    next: 'Próximo pago',
  }),
  planChanged: ({ business, fromPlan, toPlan }) => ({
    subject: `Tu plan con ${business} ha cambiado a ${toPlan}`,
    body: `Tu suscripción ha pasado de ${fromPlan} a ${toPlan}.`,
    from: 'Plan anterior',
    to: 'Plan nuevo',
    price: 'Precio nuevo',
    when: 'En vigor desde',
    charged: 'Cobrado ahora',
  }),
  cancelled: ({ business, productName, when, immediately }) => ({
    subject: `Tu suscripción a ${productName} con ${business} está cancelada`,
    body: immediately
      ? `Tu suscripción a ${productName} se ha cancelado y finalizó el ${when}. El tiempo ya pagado que no has usado no se reembolsa.`
      : `Tu suscripción a ${productName} se ha cancelado. Mantienes el acceso hasta el ${when} y no se te volverá a cobrar.`,
    plan: 'Plan',
    ends: immediately ? 'Finalizó el' : 'Acceso hasta el',
    changed: immediately
      ? `¿Has cambiado de opinión? Ponte en contacto con ${business} para volver a suscribirte.`
      : `¿Has cambiado de opinión? Hasta el ${when} puedes deshacer la cancelación desde el portal de facturación.`,
  }),
};
