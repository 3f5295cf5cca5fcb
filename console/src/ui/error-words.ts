/**
 * What the console says, in French, for each error code of the API (`{code, message}`: the message
 * is English, for developers). The console shows these texts; the API's message stays behind a
 * "Détail technique" for whoever reports the problem. test/tools/console-error-words.spec.ts fails
 * when the API registers a code the console can meet and this table lacks it.
 */
export const ERROR_TEXT: Readonly<Record<string, string>> = {
  // Input the console sends
  invalid_json: 'La demande envoyée est illisible pour le serveur.',
  invalid_id: 'L’identifiant dans l’adresse n’est pas valable : vérifiez le lien.',
  validation_failed: 'Certains champs ne sont pas valables : vérifiez la saisie.',
  invalid_text: 'Le texte contient des caractères qui ne peuvent pas être enregistrés.',
  invalid_date: 'Une date n’est pas valable.',
  payload_too_large: 'L’envoi est trop volumineux.',
  body_too_large: 'Le texte est trop long.',
  unsupported_media_type: 'Ce format d’envoi n’est pas accepté.',
  unprocessable: 'Cette demande ne peut pas être traitée telle quelle : vérifiez la saisie.',

  // Session and rights
  missing_token: 'Vous n’êtes pas connecté : connectez-vous.',
  not_signed_in: 'Vous n’êtes pas connecté : connectez-vous.',
  session_expired: 'Votre session a expiré : reconnectez-vous.',
  account_inactive: 'Ce compte est désactivé.',
  invalid_credentials: 'E-mail ou mot de passe incorrect.',
  csrf_failed: 'La demande n’a pas pu être authentifiée : rechargez la page puis réessayez.',
  too_many_attempts: 'Trop de tentatives : réessayez dans quelques minutes.',
  invalid_password_token: 'Ce lien n’est plus valable : demandez-en un nouveau.',
  weak_password: 'Ce mot de passe n’est pas accepté : il est trop court ou trop long.',
  permission_denied: 'Votre compte n’a pas le droit de faire cela.',
  remark_clients_only: 'Seuls les comptes clients envoient des remarques.',
  interventions_staff_only: 'Seuls les collaborateurs de la société font cela.',
  subcontracting_link_required: 'Il faut d’abord un lien de sous-traitance avec cette société.',

  // Records and their state
  not_found: 'Introuvable : cet élément n’existe pas ou votre compte ne peut pas le voir.',
  route_not_found: 'Cette action n’existe pas sur le serveur : rechargez la page.',
  // One code for many refusals (a copy circle deleted, an item resolved meanwhile…): the detail says which.
  conflict: 'L’état actuel de cet élément ne le permet pas.',
  intervention_reported: 'Le compte rendu de cette intervention est rédigé : elle ne peut plus changer.',
  exchange_sent: 'Cet échange a été envoyé au client : il ne peut plus changer.',
  exchange_not_sendable: 'Seul un échange transmis est envoyé au client.',
  portal_window_closed: 'Le délai pour ajouter un échange depuis le portail est dépassé.',
  user_email_taken: 'Cette adresse e-mail est déjà celle d’un autre compte.',
  last_manager: 'Impossible : la société n’aurait plus de gérant actif.',
  mailbox_already_watched: 'Ce dossier de cette boîte mail est déjà surveillé.',
  routing_rules_limit: 'La société a atteint le nombre maximal de règles de routage : supprimez-en ou regroupez-en.',
  discussion_no_manager: 'La société n’a aucun gérant actif à qui adresser cette discussion.',

  // Messages, exchanges, discussions
  rights_template_kind_mismatch: 'Ce modèle de droits ne convient pas à ce type de compte.',
  body_required: 'Le texte est obligatoire.',
  contact_not_of_client: 'Ce contact n’est pas un contact de ce client.',
  due_date_required: 'Une tâche du jour demande une date.',
  invalid_due_date: 'La date de la tâche n’est pas valable.',
  vad_planned_date_required: 'Une demande de visite à domicile (VAD) demande sa date prévue.',
  urgent_only_at_creation: 'L’urgence se choisit seulement à la création du message.',
  invalid_cc: 'Chaque personne en copie doit être un collaborateur actif ou un compte de ce client.',
  detail_required: 'Le détail de l’échange est obligatoire.',
  unknown_exchange_type: 'Ce type d’échange n’existe pas.',
  not_a_collaborator: 'Cette personne n’est pas un collaborateur actif de la société.',
  no_recipient_address: 'Le destinataire n’a pas d’adresse pour ce canal.',
  discussion_subject_required: 'Une discussion porte sur un dossier client ou sur un intervenant.',
  discussion_link_invalid: 'La personne ou le dossier lié à cette discussion n’est pas valable.',

  // Channels and routing
  sms_number_not_verified: 'Twilio n’a pas confirmé ce numéro avec ces identifiants : vérifiez le SID et le jeton.',
  twilio_unavailable: 'Twilio est injoignable : rien n’a été enregistré, réessayez dans un instant.',
  mailbox_unreachable: 'Aucun serveur IMAP n’a répondu à cette adresse et ce port.',
  routing_rule_invalid: 'La règle ne peut pas être enregistrée : ses conditions ou son action ne sont pas valables.',
  dry_run_invalid: 'L’essai ne peut pas être lancé avec ces données.',

  // The service itself
  not_ready: 'Le service n’est pas prêt : réessayez dans un instant.',
  database_unavailable: 'Le service est momentanément indisponible : réessayez dans un instant.',
  internal_error: 'Erreur interne du serveur.',
  // The console's own: an answer without `{code, message}` (a proxy's error page).
  http_error: 'Le serveur a répondu par une erreur inattendue.',
};

/** The French text for `code`, or the API's own message when the console does not know the code. */
export function errorText(code: string | null | undefined, message?: string | null): string {
  if (code && Object.hasOwn(ERROR_TEXT, code)) return ERROR_TEXT[code];
  return message || 'Une erreur est survenue.';
}
