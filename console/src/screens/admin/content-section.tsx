import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { nullableText, useWrite } from '../../api/admin';
import { can, useSession } from '../../api/session-store';
import { useBanner, useMessageTemplates, useSettings } from '../../api/settings';
import { Checkbox, ErrorNote, Field } from '../../ui/components';
import { type Channel, CopyChannels } from '../../ui/copy-channels';
import { MessageTemplates, Snippets } from './content-lists';

/** What operators write with: message templates, saved phrases, the banner, the company's defaults. */
export default function ContentSection() {
  const session = useSession();
  const settings = can(session, 'settings.manage');
  return (
    <>
      {settings ? <BannerForm /> : null}
      {settings ? <Defaults /> : null}
      {can(session, 'messages.templates.manage') ? <MessageTemplates /> : null}
      {settings ? <Snippets /> : null}
    </>
  );
}

function BannerForm() {
  const banner = useBanner();
  const [text, setText] = useState<string | null>(null);
  const [audience, setAudience] = useState<'collaborators' | 'clients' | ''>('');
  const value = text ?? banner.data?.text ?? '';
  const shown = audience || banner.data?.audience || 'collaborators';
  const save = useWrite(
    (next: string | null) => unwrap(api.PUT('/v1/banner', { body: { text: nullableText(next), ...(next ? { audience: shown } : {}) } })),
    [['banner']],
  );
  return (
    <form
      className="panel"
      aria-labelledby="banner-title"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(value.trim() || null, { onSuccess: () => setText(null) });
      }}
    >
      <h2 id="banner-title">Bandeau</h2>
      <Field label="Texte du bandeau" hint="Vide : pas de bandeau">
        {(id) => <textarea id={id} rows={2} value={value} onChange={(e) => setText(e.target.value)} />}
      </Field>
      <Field label="Public du bandeau">
        {(id) => (
          <select id={id} value={shown} onChange={(e) => setAudience(e.target.value as 'collaborators' | 'clients')}>
            <option value="collaborators">Collaborateurs</option>
            <option value="clients">Clients</option>
          </select>
        )}
      </Field>
      <ErrorNote error={save.error} />
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          Enregistrer le bandeau
        </button>
      </div>
    </form>
  );
}

function Defaults() {
  const settings = useSettings();
  const templates = useMessageTemplates();
  const company = settings.data?.company;
  const [draft, setDraft] = useState<{ channels?: Channel[]; info?: string; template?: string; alerts?: boolean }>({});
  const channels = draft.channels ?? company?.defaultChannels ?? [];
  const info = draft.info ?? company?.messageInfo ?? '';
  const template = draft.template ?? company?.defaultMessageTemplateId ?? '';
  const alerts = draft.alerts ?? company?.replyAlerts ?? false;
  const save = useWrite(
    () =>
      unwrap(
        api.PATCH('/v1/settings/company', {
          body: {
            defaultChannels: channels,
            messageInfo: nullableText(info.trim() || null),
            defaultMessageTemplateId: nullableText(template || null),
            replyAlerts: alerts as unknown as Record<string, never>,
          },
        }),
      ),
    [['settings']],
  );
  if (!company) return <ErrorNote error={settings.error} />;
  return (
    <form
      className="panel"
      aria-labelledby="defaults-title"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(undefined, { onSuccess: () => setDraft({}) });
      }}
    >
      <h2 id="defaults-title">Réglages par défaut du compte</h2>
      <CopyChannels value={channels} onChange={(next) => setDraft((d) => ({ ...d, channels: next }))} legend="Copies par défaut" labelOf={(label) => `Copie ${label} par défaut`} />
      <Field label="Information ajoutée aux messages">{(id) => <textarea id={id} rows={2} value={info} onChange={(e) => setDraft((d) => ({ ...d, info: e.target.value }))} />}</Field>
      <Field label="Modèle de message par défaut">
        {(id) => (
          <select id={id} value={template} onChange={(e) => setDraft((d) => ({ ...d, template: e.target.value }))}>
            <option value="">Aucun</option>
            {templates.data?.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Checkbox label="Alertes par e-mail quand un client répond" checked={alerts} onChange={(on) => setDraft((d) => ({ ...d, alerts: on }))} />
      <ErrorNote error={save.error} />
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          Enregistrer les réglages
        </button>
      </div>
    </form>
  );
}
