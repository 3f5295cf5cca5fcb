import { Checkbox } from './components';
import { type Channel, CHANNEL_LABEL, CHANNELS } from './words';

export type { Channel };

/** Copies by channel: one checkbox per channel (by default, the copies sent to the client). */
export function CopyChannels({
  value,
  onChange,
  legend = 'Copies au client',
  labelOf = (label) => `Copie ${label}`,
}: {
  value: Channel[];
  onChange: (next: Channel[]) => void;
  legend?: string;
  /** The checkbox's label, from the channel's name. */
  labelOf?: (label: string) => string;
}) {
  return (
    <fieldset className="inline">
      <legend>{legend}</legend>
      {CHANNELS.map((channel) => (
        <Checkbox
          key={channel}
          label={labelOf(CHANNEL_LABEL[channel])}
          checked={value.includes(channel)}
          onChange={(on) => onChange(on ? [...value, channel] : value.filter((c) => c !== channel))}
        />
      ))}
    </fieldset>
  );
}
