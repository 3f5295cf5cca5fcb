/** Connection settings shared by ioredis and BullMQ, from a redis:// or rediss:// URL. */
export interface RedisSettings {
  host: string;
  port: number;
  username?: string;
  password?: string;
  /** The database index, from the URL's path (redis://host:6379/2). */
  db: number;
  tls?: Record<string, never>;
}

export function redisSettings(url: string): RedisSettings {
  const parsed = new URL(url);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 6379,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
  };
}
