/** Why an item is in the quarantine, as the triage list says it (the API's code otherwise). */
export const REASON_LABEL: Record<string, string> = {
  no_thread: 'Aucun fil reconnu',
  sender_mismatch: 'Expéditeur différent du destinataire de la copie',
  sender_unverified: 'Expéditeur non vérifié',
  unparsable: 'Message illisible',
  processing_failed: 'Échec du traitement',
  bounce_unmatched: 'Retour d’erreur sans envoi correspondant',
  unknown_sender: 'Expéditeur inconnu',
  unknown_number: 'Numéro inconnu',
  too_long: 'SMS trop long',
  empty: 'Message vide',
  not_a_phone_number: 'Pas un numéro de téléphone',
};

export function reasonLabel(reason: string): string {
  return REASON_LABEL[reason] ?? reason;
}

export const STATUS_LABEL: Record<string, string> = { open: 'À traiter', assigned: 'Rattaché', discarded: 'Écarté' };

export const OUTCOME_LABEL: Record<string, string> = {
  routed: 'routé par une règle',
  dropped: 'écarté par une règle',
  labelled: 'étiqueté par une règle (reste en quarantaine)',
  unmatched: 'aucune règle ne s’applique',
};

/** A thread named by its id or by a link to it (pasted from the address bar). */
export function threadIdFrom(text: string): string | null {
  const match = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i.exec(text.trim());
  return match ? match[1].toLowerCase() : null;
}
