import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * The one place that knows Relais' environment variables: their type, their local-development
 * default and what they are for. The README's configuration table is generated from this list.
 */
export interface VariableSpec {
  schema: z.ZodType;
  /** Used when the variable is unset, except in production for variables marked `requiredInProduction`. */
  default?: string;
  requiredInProduction?: boolean;
  /** Never echoed in error messages. */
  secret?: boolean;
  description: string;
}

const integer = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });

const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { error: `must be a ${protocols.map((p) => `${p}//`).join(' or ')} URL` },
  );

export const VARIABLES = {
  NODE_ENV: {
    schema: z.enum(['development', 'test', 'production'], { error: 'must be development, test or production' }),
    default: 'development',
    description: 'Deployment kind. In production, variables without a safe default must be set explicitly.',
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    }),
    default: 'info',
    description: 'Minimum level of the JSON log lines written to standard output.',
  },
  HTTP_HOST: {
    schema: z.string().min(1, { error: 'must not be empty' }),
    default: '0.0.0.0',
    description: 'Interface the API listens on.',
  },
  HTTP_PORT: {
    schema: integer(1, 65535),
    default: '3000',
    description: 'Port the API listens on (OpenAPI UI at /docs).',
  },
  DATABASE_URL: {
    schema: url(['postgres:', 'postgresql:']),
    default: 'postgres://postgres@127.0.0.1:5432/relais',
    requiredInProduction: true,
    secret: true,
    description: 'PostgreSQL connection URL.',
  },
  DATABASE_POOL_MAX: {
    schema: integer(1, 200),
    default: '10',
    description: 'Maximum PostgreSQL connections per process.',
  },
  REDIS_URL: {
    schema: url(['redis:', 'rediss:']),
    default: 'redis://127.0.0.1:6379/0',
    requiredInProduction: true,
    secret: true,
    description: 'Redis connection URL (queues, locks, live events).',
  },
  QUEUE_PREFIX: {
    schema: z.string().regex(/^[a-z0-9_-]{1,40}$/, { error: 'must be 1-40 characters among a-z, 0-9, _ and -' }),
    default: 'relais',
    description: 'Prefix of every BullMQ key in Redis; lets several deployments share one Redis.',
  },
  WORKER_CONCURRENCY: {
    schema: integer(1, 100),
    default: '5',
    description: 'Jobs each worker process runs at once, per queue.',
  },
  MESSAGE_MAX_BODY_CHARS: {
    schema: integer(100, 1_000_000),
    default: '20000',
    description: 'Longest message or reply body accepted, in characters (longer: 413 body_too_large).',
  },
  EXCHANGES_PORTAL_DAYS_AFTER_DONE: {
    schema: integer(0, 365),
    default: '7',
    description: 'A client account may add an exchange from its portal to an intervention in progress, or done at most this many days ago.',
  },
  SECRETS_KEY: {
    schema: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, { error: 'must be 32 bytes in base64 (openssl rand -base64 32)' }),
    default: 'ZGV2ZWxvcG1lbnQta2V5LW5vdC1mb3ItcHJvZHVjdGk=',
    requiredInProduction: true,
    secret: true,
    description: 'Key (32 bytes, base64) that encrypts channel secrets at rest: mailbox passwords, Twilio auth tokens.',
  },
  PUBLIC_BASE_URL: {
    schema: url(['http:', 'https:']),
    default: 'http://localhost:3000',
    requiredInProduction: true,
    description: 'The URL the outside world reaches the API at; Twilio signs webhooks against it (so it works behind a proxy).',
  },
  SMTP_URL: {
    schema: url(['smtp:', 'smtps:']),
    default: 'smtp://127.0.0.1:2525',
    requiredInProduction: true,
    secret: true,
    description: 'SMTP relay for email and fax copies (smtp:// or smtps://, credentials in the URL). A pooled connection is used.',
  },
  SMTP_POOL_MAX: {
    schema: integer(1, 100),
    default: '5',
    description: 'Concurrent SMTP connections each worker keeps open to the relay.',
  },
  SMTP_TIMEOUT_MS: {
    schema: integer(1000, 300000),
    default: '30000',
    description: 'How long one SMTP exchange may take before the copy is retried.',
  },
  INBOUND_EMAIL_LOCAL_PART: {
    schema: z.string().regex(/^[a-z0-9._-]{1,40}$/, { error: 'must be 1-40 characters among a-z, 0-9, ., _ and -' }),
    default: 'reply',
    description: 'Local part of the per-copy reply addresses (`<local>+<token>@<INBOUND_EMAIL_DOMAIN>`).',
  },
  INBOUND_EMAIL_DOMAIN: {
    schema: z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, { error: 'must be a lower-case domain name' }),
    default: 'reply.relais.localhost',
    requiredInProduction: true,
    description: 'Domain of the reply addresses; its mailbox is read by the inbound side.',
  },
  OUTBOUND_MESSAGE_ID_DOMAIN: {
    schema: z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, { error: 'must be a lower-case domain name' }),
    default: 'relais.localhost',
    requiredInProduction: true,
    description: 'Right-hand side of the Message-IDs Relais gives its email copies (our own domain).',
  },
  TWILIO_API_BASE_URL: {
    schema: url(['http:', 'https:']),
    default: 'https://api.twilio.com',
    description: 'Base URL of the Twilio REST API (SMS copies, number ownership checks, message look-ups); tests point it at a loopback endpoint.',
  },
  TWILIO_MESSAGING_BASE_URL: {
    schema: url(['http:', 'https:']),
    default: 'https://messaging.twilio.com',
    description: 'Base URL of the Twilio Messaging Services API (proves a Messaging Service belongs to the account registering it); tests point it at a loopback endpoint.',
  },
  TWILIO_TIMEOUT_MS: {
    schema: integer(500, 120000),
    default: '10000',
    description: 'How long one Twilio API call may take before the copy is retried.',
  },
  OUTBOUND_RATE_EMAIL_PER_SECOND: {
    schema: integer(0, 100000),
    default: '0',
    description: 'Email copies sent per second per company, across workers (0: no limit).',
  },
  OUTBOUND_RATE_SMS_PER_SECOND: {
    schema: integer(0, 100000),
    default: '1',
    description: 'SMS copies sent per second per company, across workers (a Twilio long code sends about 1/s; 0: no limit).',
  },
  OUTBOUND_RATE_FAX_PER_SECOND: {
    schema: integer(0, 100000),
    default: '0',
    description: 'Fax copies sent per second per company, across workers (0: no limit).',
  },
  OUTBOUND_RELAY_INTERVAL_MS: {
    schema: integer(50, 60000),
    default: '500',
    description: 'How often the worker moves new outbox rows to deliveries and queue jobs.',
  },
  OUTBOUND_RECONCILE_INTERVAL_MS: {
    schema: integer(500, 3600000),
    default: '15000',
    description: 'How often the worker re-enqueues deliveries left pending (e.g. Redis restarted empty) and settles stale claims.',
  },
  OUTBOUND_STALE_CLAIM_MS: {
    schema: integer(1000, 86400000),
    default: '300000',
    description: 'A send claim older than this (its worker died) is sent again if the provider was never called; else an SMS found in Twilio’s message list is settled as sent, and the rest as failed "outcome unknown", never re-sent automatically. Keep it above the SMTP and Twilio timeouts.',
  },
  SHUTDOWN_TIMEOUT_MS: {
    schema: integer(1000, 120000),
    default: '10000',
    description: 'How long SIGTERM waits for in-flight requests and jobs before the process exits anyway.',
  },
  SMS_REPLY_WINDOW_DAYS: {
    schema: integer(1, 365),
    default: '14',
    description: 'An inbound SMS is threaded to the latest thread that sent an SMS copy to its sender within this many days.',
  },
  SMS_MAX_BODY_CHARS: {
    schema: integer(160, 100_000),
    default: '1600',
    description: 'Longest inbound SMS text threaded as a reply (Twilio concatenates up to 1,600); a longer one is quarantined with reason body_too_long.',
  },
  SMS_HELP_TEXT: {
    schema: z.string().trim().min(1, { error: 'must not be empty' }).max(1600, { error: 'must be at most 1600 characters' }),
    default: 'Relais : répondez à ce SMS pour écrire à votre permanence. STOP pour ne plus recevoir de SMS, START pour les recevoir à nouveau.',
    description: 'Answer sent back (TwiML) to an inbound SMS saying HELP or AIDE.',
  },
  SMS_REQUEUE_AFTER_MS: {
    schema: integer(1000, 3_600_000),
    default: '60000',
    description: 'A stored inbound SMS still unprocessed after this long (its job was lost) is enqueued again; also how often the worker looks.',
  },
  INBOUND_RETENTION_DAYS: {
    schema: integer(30, 3650),
    default: '400',
    description: 'Raw inbound mail and SMS (the bytes and text as received) older than this many days are purged; the replies made from them, their outcomes and the audit stay.',
  },
  QUARANTINE_DISCARDED_RETENTION_DAYS: {
    schema: integer(1, 3650),
    default: '90',
    description: 'A discarded quarantine item stays readable this many days after it was discarded, then goes.',
  },
  RETENTION_INTERVAL_MS: {
    schema: integer(60_000, 86_400_000),
    default: '21600000',
    description: 'How often the worker runs the retention purge (batched; a run that finds more than it may do in one go is continued by the next).',
  },
  INBOUND_ATTACHMENTS_DIR: {
    schema: z.string().min(1, { error: 'must not be empty' }),
    default: 'var/attachments',
    description: 'Directory where files received with email replies are kept.',
  },
  INBOUND_ATTACHMENT_MAX_BYTES: {
    schema: integer(1024, 1_073_741_824),
    default: '26214400',
    description: 'Largest attachment kept from an email reply (bytes); a larger one is replaced by a note, the reply is kept.',
  },
  IMAP_IDLE_RESTART_MS: {
    schema: integer(10_000, 1_740_000),
    default: '1500000',
    description: 'How often a watched mailbox re-issues IMAP IDLE (servers drop IDLE after 30 minutes; at most 29).',
  },
  IMAP_POLL_INTERVAL_MS: {
    schema: integer(1_000, 3_600_000),
    default: '60000',
    description: 'Safety poll of each watched mailbox, besides IDLE (and the only signal where the server lacks IDLE).',
  },
  MAILBOX_LOCK_TTL_MS: {
    schema: integer(2_000, 30_000),
    default: '20000',
    description: 'Lifetime of the Redis lock that makes one worker the owner of a mailbox; another worker takes over within this time after the owner dies.',
  },
  MAILBOX_ALLOWED_HOSTS: {
    schema: z
      .string()
      .transform((value) => value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''))
      .refine((entries) => entries.every(isHostOrNetwork), { error: 'must be a comma-separated list of host names, IP addresses and CIDR networks (10.0.0.0/8, fd00::/8)' }),
    default: '',
    description:
      'In production, mailbox servers on loopback, private, link-local or CGNAT addresses (written or answered by DNS) are refused; these host names, addresses and CIDR networks are let through (e.g. an IMAP server on your own network).',
  },
  SESSION_IDLE_MINUTES: {
    schema: integer(1, 1440),
    default: '30',
    description: 'A console session unused for this many minutes ends (each request made with it starts the count again).',
  },
  SESSION_MAX_HOURS: {
    schema: integer(1, 720),
    default: '12',
    description: 'A console session ends this many hours after signing in, however much it is used.',
  },
  SIGN_IN_MAX_ATTEMPTS: {
    schema: integer(1, 1000),
    default: '5',
    description: 'Failed sign-ins (and password reset requests) allowed per email address within SIGN_IN_WINDOW_MINUTES; more are answered 429 too_many_attempts.',
  },
  SIGN_IN_MAX_ATTEMPTS_PER_IP: {
    schema: integer(1, 100000),
    default: '50',
    description: 'Sign-in and password reset attempts allowed per IP address within SIGN_IN_WINDOW_MINUTES, whatever the email.',
  },
  SIGN_IN_WINDOW_MINUTES: {
    schema: integer(1, 1440),
    default: '15',
    description: 'The window the sign-in attempt limits count over (counted in Redis, shared by every API process).',
  },
  CONSOLE_DIST_DIR: {
    schema: z.string().min(1, { error: 'must not be empty' }),
    default: 'console/dist',
    description: 'Built files of the web console, served at /console (relative to the working directory); when it has no index.html, the API starts without the console.',
  },
} satisfies Record<string, VariableSpec>;

/** A MAILBOX_ALLOWED_HOSTS entry: a host name, an IP address, or a network in CIDR notation. */
function isHostOrNetwork(entry: string): boolean {
  const [net, bits, extra] = entry.split('/');
  const kind = isIP(net);
  if (extra !== undefined) return false;
  if (bits !== undefined) return kind !== 0 && /^\d{1,3}$/.test(bits) && Number(bits) <= (kind === 4 ? 32 : 128);
  return kind !== 0 || /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i.test(entry);
}

export type VariableName = keyof typeof VARIABLES;
type Parsed = { [K in VariableName]: z.output<(typeof VARIABLES)[K]['schema']> };

/** The validated configuration, in the shape the code uses. */
export interface AppConfig {
  env: Parsed['NODE_ENV'];
  logLevel: Parsed['LOG_LEVEL'];
  http: { host: string; port: number };
  database: { url: string; poolMax: number };
  redis: { url: string };
  queue: { prefix: string; concurrency: number };
  messages: { maxBodyChars: number };
  exchanges: { portalDaysAfterDone: number };
  secretsKey: string;
  publicBaseUrl: string;
  shutdownTimeoutMs: number;
  inbound: {
    attachmentsDir: string;
    attachmentMaxBytes: number;
    idleRestartMs: number;
    pollIntervalMs: number;
    lockTtlMs: number;
    /** Mailbox hosts and networks let through in production although internal (MAILBOX_ALLOWED_HOSTS). */
    mailboxAllowedHosts: string[];
    retentionDays: number;
    discardedRetentionDays: number;
    retentionIntervalMs: number;
  };
  /** People signing in to the console: session lifetimes and attempt limits. */
  signIn: { idleMinutes: number; maxHours: number; maxAttemptsPerEmail: number; maxAttemptsPerIp: number; windowMinutes: number };
  /** Where the built web console is read from (served at /console when present). */
  console: { distDir: string };
  inboundSms: { replyWindowDays: number; maxBodyChars: number; helpText: string; requeueAfterMs: number };
  smtp: { url: string; poolMax: number; timeoutMs: number };
  twilio: { baseUrl: string; messagingBaseUrl: string; timeoutMs: number };
  outbound: {
    replyLocalPart: string;
    replyDomain: string;
    messageIdDomain: string;
    ratePerSecond: { email: number; sms: number; fax: number };
    relayIntervalMs: number;
    reconcileIntervalMs: number;
    staleClaimMs: number;
  };
}

export function toAppConfig(v: Parsed): AppConfig {
  return {
    env: v.NODE_ENV,
    logLevel: v.LOG_LEVEL,
    http: { host: v.HTTP_HOST, port: v.HTTP_PORT },
    database: { url: v.DATABASE_URL, poolMax: v.DATABASE_POOL_MAX },
    redis: { url: v.REDIS_URL },
    queue: { prefix: v.QUEUE_PREFIX, concurrency: v.WORKER_CONCURRENCY },
    messages: { maxBodyChars: v.MESSAGE_MAX_BODY_CHARS },
    exchanges: { portalDaysAfterDone: v.EXCHANGES_PORTAL_DAYS_AFTER_DONE },
    secretsKey: v.SECRETS_KEY,
    publicBaseUrl: v.PUBLIC_BASE_URL.replace(/\/+$/, ''),
    shutdownTimeoutMs: v.SHUTDOWN_TIMEOUT_MS,
    inbound: {
      attachmentsDir: v.INBOUND_ATTACHMENTS_DIR,
      attachmentMaxBytes: v.INBOUND_ATTACHMENT_MAX_BYTES,
      idleRestartMs: v.IMAP_IDLE_RESTART_MS,
      pollIntervalMs: v.IMAP_POLL_INTERVAL_MS,
      lockTtlMs: v.MAILBOX_LOCK_TTL_MS,
      mailboxAllowedHosts: v.MAILBOX_ALLOWED_HOSTS,
      retentionDays: v.INBOUND_RETENTION_DAYS,
      discardedRetentionDays: v.QUARANTINE_DISCARDED_RETENTION_DAYS,
      retentionIntervalMs: v.RETENTION_INTERVAL_MS,
    },
    signIn: {
      idleMinutes: v.SESSION_IDLE_MINUTES,
      maxHours: v.SESSION_MAX_HOURS,
      maxAttemptsPerEmail: v.SIGN_IN_MAX_ATTEMPTS,
      maxAttemptsPerIp: v.SIGN_IN_MAX_ATTEMPTS_PER_IP,
      windowMinutes: v.SIGN_IN_WINDOW_MINUTES,
    },
    console: { distDir: v.CONSOLE_DIST_DIR },
    inboundSms: { replyWindowDays: v.SMS_REPLY_WINDOW_DAYS, maxBodyChars: v.SMS_MAX_BODY_CHARS, helpText: v.SMS_HELP_TEXT, requeueAfterMs: v.SMS_REQUEUE_AFTER_MS },
    smtp: { url: v.SMTP_URL, poolMax: v.SMTP_POOL_MAX, timeoutMs: v.SMTP_TIMEOUT_MS },
    twilio: { baseUrl: v.TWILIO_API_BASE_URL.replace(/\/+$/, ''), messagingBaseUrl: v.TWILIO_MESSAGING_BASE_URL.replace(/\/+$/, ''), timeoutMs: v.TWILIO_TIMEOUT_MS },
    outbound: {
      replyLocalPart: v.INBOUND_EMAIL_LOCAL_PART,
      replyDomain: v.INBOUND_EMAIL_DOMAIN,
      messageIdDomain: v.OUTBOUND_MESSAGE_ID_DOMAIN,
      ratePerSecond: { email: v.OUTBOUND_RATE_EMAIL_PER_SECOND, sms: v.OUTBOUND_RATE_SMS_PER_SECOND, fax: v.OUTBOUND_RATE_FAX_PER_SECOND },
      relayIntervalMs: v.OUTBOUND_RELAY_INTERVAL_MS,
      reconcileIntervalMs: v.OUTBOUND_RECONCILE_INTERVAL_MS,
      staleClaimMs: v.OUTBOUND_STALE_CLAIM_MS,
    },
  };
}
