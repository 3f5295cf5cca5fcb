import twilio from 'twilio';

/**
 * The one check of Twilio's webhook signatures (X-Twilio-Signature), for inbound SMS and delivery
 * reports alike: an HMAC-SHA1, keyed with the Twilio account's auth token, of the URL Twilio was
 * given followed by the form's fields sorted by name. A missing token or signature verifies nothing.
 * `params` are the form's fields as posted (strings), before anything is made storable.
 */
export function twilioSigned(authToken: string | null | undefined, signature: string | null | undefined, url: string, params: Record<string, string>): boolean {
  if (!authToken || !signature) return false;
  return twilio.validateRequest(authToken, signature, url, params);
}
