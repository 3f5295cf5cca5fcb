import type { ErrorTable } from '../core/errors/domain-error.js';

/** The error codes of structures and subcontracting, and their HTTP statuses (registered by StructuresModule). */
export const STRUCTURE_ERRORS = {
  subcontracting_link_required: 403,
} as const satisfies ErrorTable;

type StructureErrors = typeof STRUCTURE_ERRORS;

declare module '../core/errors/domain-error.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds these codes to the codes DomainError accepts
  interface ErrorCodeRegistry extends StructureErrors {}
}
