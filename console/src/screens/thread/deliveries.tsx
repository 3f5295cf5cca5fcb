import type { CopyView } from '../../api/messages';
import { useRetryDelivery } from '../../api/messages';
import { Badge, ErrorNote } from '../../ui/components';
import { CHANNEL_LABEL } from '../../ui/words';

const TONE: Record<string, 'ok' | 'warn' | 'urgent' | 'plain'> = { delivered: 'ok', sent: 'ok', failed: 'urgent', skipped: 'warn' };
const STATUS: Record<string, string> = { pending: 'en attente', sending: 'en attente', sent: 'envoyé', delivered: 'remis', failed: 'échec', skipped: 'ignoré' };

/** A copy's status as the team reads it: "échec : raison", "désinscrit"… */
export function copyStatusLabel(copy: Pick<CopyView, 'status' | 'failureReason' | 'optedOut'>): string {
  if (copy.optedOut) return 'désinscrit';
  const label = STATUS[copy.status] ?? copy.status;
  return copy.status === 'failed' && copy.failureReason ? `${label} : ${copy.failureReason}` : label;
}

/**
 * The copies of one post (the first post's or a reply's), from the thread's own data: every staff
 * member sees where they stand; a failed one can be sent again by accounts allowed to (outbound.manage).
 */
export function Deliveries({ messageId, copies, canRetry, recipient }: { messageId: string; copies: CopyView[]; canRetry: boolean; recipient: (id: string | null) => string }) {
  const retry = useRetryDelivery(messageId);
  if (copies.length === 0) return null;
  return (
    <div className="copies" aria-label="Copies envoyées">
      <table className="copies">
        <thead>
          <tr>
            <th scope="col">Canal</th>
            <th scope="col">Destinataire</th>
            <th scope="col">État</th>
            <th scope="col">
              <span className="sr-only">Action</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {copies.map((c) => (
            <tr key={c.id} data-testid={`copy-${c.channel}`}>
              <td>{CHANNEL_LABEL[c.channel] ?? c.channel}</td>
              <td>
                {c.recipientUserId ? `${recipient(c.recipientUserId)} ` : ''}
                {c.address ?? '—'}
              </td>
              <td>
                <Badge tone={c.optedOut ? 'warn' : (TONE[c.status] ?? 'plain')}>{copyStatusLabel(c)}</Badge>
              </td>
              <td>
                {canRetry && c.status === 'failed' ? (
                  <button type="button" onClick={() => retry.mutate(c.id)} disabled={retry.isPending}>
                    Renvoyer
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ErrorNote error={retry.error} />
    </div>
  );
}
