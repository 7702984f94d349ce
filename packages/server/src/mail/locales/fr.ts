/** French emails (« vous »). A no-break space (\u00a0) goes before « : » and a narrow one (\u202f) before « ? ». */
import type { MailCatalogue } from './catalogue.ts';

const intervals: MailCatalogue['intervals'] = { day: ['jour', 'jours'], week: ['semaine', 'semaines'], month: ['mois', 'mois'], year: ['an', 'ans'] };

const signIn = {
  greeting: (name: string) => `Bonjour ${name},`,
  button: 'Se connecter',
  expiry: (when: string) => `Le lien expire le ${when}. Ne transférez pas cet e-mail.`,
  ignore: 'Si vous n’avez pas demandé à vous connecter, vous pouvez ignorer cet e-mail\u00a0: rien ne change tant que le lien n’est pas utilisé.',
};

export const fr: MailCatalogue = {
  portalLink: {
    subject: (business) => `Votre lien vers l’espace de facturation de ${business}`,
    greeting: (name) => `Bonjour ${name},`,
    intro: (business) => `Voici votre lien vers l’espace de facturation de ${business}, où vous pouvez consulter et télécharger vos factures.`,
    button: 'Ouvrir l’espace de facturation',
    expiry: (when) => `Le lien est valable jusqu’au ${when}. Ne transférez pas cet e-mail\u00a0: toute personne disposant du lien peut voir votre facturation.`,
    ignore: 'Si vous n’attendiez pas cet e-mail, vous pouvez l’ignorer.',
  },
  signInLink: {
    ...signIn,
    subject: (business) => `Connectez-vous à votre facturation chez ${business}`,
    intro: (business) => `Utilisez le bouton ci-dessous pour vous connecter à l’espace de facturation de ${business}. Le lien ne fonctionne qu’une seule fois.`,
  },
  unifiedSignIn: {
    ...signIn,
    subject: (businesses) => `Connectez-vous à votre facturation chez ${businesses}`,
    intro: (businesses) => `Utilisez le bouton ci-dessous pour retrouver vos factures et vos abonnements chez ${businesses} en un seul endroit. Le lien ne fonctionne qu’une seule fois.`,
  },
  intervals,
  // « semaine » is feminine: toutes les 2 semaines, tous les 3 mois.
  every: (count, interval) => (count === 1 ? `par ${intervals[interval][0]}` : `${interval === 'week' ? 'toutes' : 'tous'} les ${count} ${intervals[interval][1]}`),
  common: {
    greeting: (name) => `Bonjour ${name},`,
    button: 'Gérer votre facturation',
    footer: 'Vous recevez cet e-mail en tant que client de',
    questions: (business) => `Une question sur votre facturation\u202f? Contactez ${business}.`,
  },
  receipt: ({ business, total }) => ({
    subject: `Votre reçu de ${business}\u00a0: ${total}`,
    thanks: `Merci pour votre paiement à ${business}. Voici votre reçu.`,
    amount: 'Montant payé',
    date: 'Date',
    item: 'Description',
    invoice: 'Facture',
    reference: 'Référence du paiement',
  }),
  paymentFailed: ({ business, total, productName, onHold }) => ({
    subject: onHold ? `Votre abonnement ${productName} chez ${business} est suspendu` : `Votre paiement de ${total} à ${business} a échoué`,
    failed: `Nous n’avons pas pu prélever ${total} pour ${productName}.`,
    next: onHold
      ? 'Votre abonnement est suspendu jusqu’à ce que le paiement aboutisse. Mettez à jour votre moyen de paiement pour continuer.'
      : 'Mettez à jour votre moyen de paiement pour que votre abonnement continue sans interruption.',
    amount: 'Montant dû',
    date: 'Tentative le',
    reason: 'Motif',
  }),
  reactivated: ({ business, productName }) => ({
    subject: `Votre abonnement ${productName} chez ${business} est de nouveau actif`,
    body: `Bonne nouvelle\u00a0: votre abonnement à ${productName} est de nouveau actif.`,
    plan: 'Formule',
    price: 'Prix',
    next: 'Prochain paiement',
  }),
  planChanged: ({ business, fromPlan, toPlan }) => ({
    subject: `Votre formule chez ${business} est désormais ${toPlan}`,
    body: `Votre abonnement est passé de ${fromPlan} à ${toPlan}.`,
    from: 'Ancienne formule',
    to: 'Nouvelle formule',
    price: 'Nouveau prix',
    when: 'À partir du',
    charged: 'Facturé maintenant',
  }),
  cancelled: ({ business, productName, when, immediately }) => ({
    subject: `Votre abonnement ${productName} chez ${business} est résilié`,
    body: immediately
      ? `Votre abonnement à ${productName} a été résilié et a pris fin le ${when}. Le temps déjà payé et non utilisé n’est pas remboursé.`
      : `Votre abonnement à ${productName} a été résilié. Vous y avez accès jusqu’au ${when} et aucun autre paiement ne sera prélevé.`,
    plan: 'Formule',
    ends: immediately ? 'Terminé le' : 'Accès jusqu’au',
    changed: immediately
      ? `Vous avez changé d’avis\u202f? Contactez ${business} pour vous réabonner.`
      : `Vous avez changé d’avis\u202f? Jusqu’au ${when}, vous pouvez annuler la résiliation depuis l’espace de facturation.`,
  }),
};
