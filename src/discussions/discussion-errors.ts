import type { ErrorTable } from '../core/errors/domain-error.js';

/** The error codes of discussions, with their HTTP statuses (registered by DiscussionsModule). */
export const DISCUSSION_ERRORS = {
  /** Neither a client file nor a worker, or both. */
  discussion_subject_required: 422,
  /** The linked person is the discussion's own person, or two were given. */
  discussion_link_invalid: 422,
  /** No active collaborator to address a portal discussion to. */
  discussion_no_manager: 409,
} as const satisfies ErrorTable;

type DiscussionErrors = typeof DISCUSSION_ERRORS;

declare module '../core/errors/domain-error.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds these codes to the codes DomainError accepts
  interface ErrorCodeRegistry extends DiscussionErrors {}
}
