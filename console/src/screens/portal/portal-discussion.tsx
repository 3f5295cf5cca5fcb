import { useParams } from 'wouter';
import { useDiscussion, useDiscussionReplies } from '../../api/discussions';
import { ErrorNote } from '../../ui/components';
import { DiscussionEntries, DiscussionFrame } from '../../ui/discussion-view';
import { DiscussionReplyForm } from '../../ui/text-reply';
import { useAuthorLabel } from './own-file';

/** One discussion as the person reads it: the first message, every answer (live), and a reply of its own. */
export default function PortalDiscussion() {
  const { id = '' } = useParams<{ id: string }>();
  const discussion = useDiscussion(id);
  const replies = useDiscussionReplies(id);
  const author = useAuthorLabel();
  return (
    <DiscussionFrame discussion={discussion} gone="Cette discussion n’est plus disponible.">
      {(d) => (
        <>
          <h1 id="discussion-title">{d.title}</h1>
          <DiscussionEntries discussion={d} replies={replies.data ?? []} authorOf={(entry) => author(entry.authorId)} />
          <ErrorNote error={replies.error} />
          <DiscussionReplyForm id={d.id} />
        </>
      )}
    </DiscussionFrame>
  );
}
