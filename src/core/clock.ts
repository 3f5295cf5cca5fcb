/**
 * The product's clock, a port: what the applications read "now" from where a time is shown or
 * stamped into what is sent (a copy's `sentAt`), so a spec can pin it. SystemClock in the
 * applications (AppConfigModule provides it everywhere).
 */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
