import { type QuarantineItem, quarantineAttachmentPath, type useQuarantineContent } from '../../api/quarantine';
import { ErrorNote } from '../../ui/components';
import { formatSize } from '../../ui/format';

/** The mail or SMS as it came in, whole (the item's preview until it loads), and its files to download. */
export function QuarantineContent({ item, content }: { item: QuarantineItem; content: ReturnType<typeof useQuarantineContent> }) {
  return (
    <section className="panel" aria-labelledby="content-title">
      <h2 id="content-title">Contenu</h2>
      {content.data ? (
        <>
          {content.data.purged ? <p className="muted">Le contenu complet a été purgé (durée de conservation) : seul l’aperçu reste.</p> : null}
          <pre className="original" data-testid="quarantine-text">
            {content.data.text || '(aucun texte)'}
          </pre>
          {content.data.html ? <p className="muted">Message au format HTML, montré en texte.</p> : null}
          {content.data.attachments.length > 0 ? (
            <ul className="attachments" aria-label="Pièces jointes">
              {content.data.attachments.map((file, index) => {
                const name = file.filename ?? `${item.channel === 'sms' ? 'Média' : 'Pièce jointe'} n° ${index + 1}`;
                return (
                  <li key={index}>
                    {file.downloadable ? (
                      <a href={quarantineAttachmentPath(item.id, index)} download={file.filename ?? ''}>
                        {name}
                      </a>
                    ) : (
                      <span>{name}</span>
                    )}{' '}
                    <span className="muted">
                      {file.contentType} {formatSize(file.size)}
                      {file.downloadable ? '' : ' — conservé chez l’opérateur SMS, non téléchargeable ici'}
                    </span>
                  </li>
                );
              })}
            </ul>
          ) : null}
        </>
      ) : (
        <pre className="original">{item.preview ?? '(aucun texte)'}</pre>
      )}
      <ErrorNote error={content.error} />
    </section>
  );
}
