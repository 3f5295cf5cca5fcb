import { Checkbox } from './components';
import { CHANNEL_LABEL } from './words';

export type Channel = 'email' | 'sms' | 'fax';
const CHANNELS: Channel[] = ['email', 'sms', 'fax'];

/** The copies sent to the client: one checkbox per channel. */
export function CopyChannels({ value, onChange }: { value: Channel[]; onChange: (next: Channel[]) => void }) {
  return (
    <fieldset className="inline">
      <legend>Copies au client</legend>
      {CHANNELS.map((channel) => (
        <Checkbox
          key={channel}
          label={`Copie ${CHANNEL_LABEL[channel]}`}
          checked={value.includes(channel)}
          onChange={(on) => onChange(on ? [...value, channel] : value.filter((c) => c !== channel))}
        />
      ))}
    </fieldset>
  );
}
