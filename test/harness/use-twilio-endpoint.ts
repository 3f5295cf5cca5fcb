import { afterAll, beforeAll } from '@jest/globals';
import type { AppConfig } from '../../src/config/config.schema.js';
import { startTwilioEndpoint, twilioConfigFor, type TwilioEndpoint, type TwilioEndpointOptions } from './twilio-endpoint.js';

/**
 * For a spec file whose API registers SMS numbers (Twilio must confirm them): an endpoint started
 * before the API, whose `configure` is given to useTestApi or TestContext.create. Read
 * `.endpoint` inside tests.
 */
export function useTwilioEndpoint(options: TwilioEndpointOptions): { endpoint: TwilioEndpoint; configure: (config: AppConfig) => AppConfig } {
  const holder = { configure: (config: AppConfig) => twilioConfigFor(holder.endpoint, config) } as { endpoint: TwilioEndpoint; configure: (config: AppConfig) => AppConfig };
  beforeAll(async () => {
    holder.endpoint = await startTwilioEndpoint(options);
  });
  afterAll(() => holder.endpoint.close());
  return holder;
}
