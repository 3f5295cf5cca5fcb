export const INTERVENTION_STATUS: Record<string, string> = { requested: 'Demandée', in_progress: 'En cours', done: 'Terminée', reported: 'Compte rendu envoyé' };
