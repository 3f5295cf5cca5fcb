import { useEffect, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { type TemplateView, useOutboundTemplates, usePreview, useWrite } from '../../api/admin';
import { Badge, ErrorNote, Field, Loading } from '../../ui/components';
import { EmailPreview } from '../../ui/email-preview';

/** The typed source, sent for preview once typing pauses this long. */
const PAUSE_MS = 250;

/** The templates copies are sent with: edit a company's version with a live preview rendered by the API. */
export default function OutboundTemplatesSection() {
  const templates = useOutboundTemplates();
  const [name, setName] = useState('');
  const current = templates.data?.find((t) => t.name === name) ?? templates.data?.[0];
  if (templates.isPending) return <Loading />;
  if (!current) return <ErrorNote error={templates.error} />;
  return (
    <section className="panel" aria-labelledby="outbound-title">
      <h2 id="outbound-title">Modèles d’envoi</h2>
      <Field label="Modèle">
        {(id) => (
          <select id={id} value={current.name} onChange={(e) => setName(e.target.value)}>
            {templates.data?.map((t) => (
              <option key={t.name} value={t.name}>
                {t.name}
                {t.overridden ? ' (personnalisé)' : ''}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Editor key={`${current.name}:${current.source}`} template={current} />
    </section>
  );
}

function Editor({ template }: { template: TemplateView }) {
  const [source, setSource] = useState(template.source);
  const [sent, setSent] = useState(template.source);
  useEffect(() => {
    const timer = setTimeout(() => setSent(source), PAUSE_MS);
    return () => clearTimeout(timer);
  }, [source]);
  const preview = usePreview(template.name, sent);
  const stale = [['admin', 'outbound-templates']];
  const save = useWrite(() => unwrap(api.PUT('/v1/outbound-templates/{name}', { params: { path: { name: template.name } }, body: { source } })), stale);
  const reset = useWrite(() => unwrap(api.DELETE('/v1/outbound-templates/{name}', { params: { path: { name: template.name } } })), stale);
  const html = template.name.endsWith('.html');
  return (
    <div className="grid editor">
      <div>
        <Field label="Source du modèle" hint="Handlebars ; l’aperçu est rendu par l’API avec des données d’exemple">
          {(id) => <textarea id={id} rows={16} spellCheck={false} value={source} onChange={(e) => setSource(e.target.value)} />}
        </Field>
        <ErrorNote error={save.error ?? reset.error} />
        <div className="actions">
          <button type="button" disabled={save.isPending || source === template.source} onClick={() => save.mutate(undefined)}>
            Enregistrer
          </button>
          {template.overridden ? (
            <button type="button" disabled={reset.isPending} onClick={() => reset.mutate(undefined)}>
              Revenir au modèle d’origine
            </button>
          ) : null}
        </div>
      </div>
      <div aria-labelledby="preview-title">
        <h3 id="preview-title">Aperçu</h3>
        <ErrorNote error={preview.error} />
        {preview.data ? (
          <>
            {html ? (
              <EmailPreview title="Aperçu du modèle" html={preview.data.output} />
            ) : (
              <pre className="original" data-testid="template-preview" aria-live="polite">
                {preview.data.output}
              </pre>
            )}
            {preview.data.segments ? (
              <p className="muted">
                {preview.data.segments} SMS ({preview.data.encoding})
              </p>
            ) : null}
            {preview.data.missing.length > 0 ? <Badge tone="warn">Variables sans valeur : {preview.data.missing.join(', ')}</Badge> : null}
          </>
        ) : null}
      </div>
    </div>
  );
}
