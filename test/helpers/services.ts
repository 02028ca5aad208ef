/**
 * PostgreSQL and Redis for tests: found through SWITCHYARD_TEST_PG_URL / SWITCHYARD_TEST_REDIS_URL,
 * or by probing the fixed loopback ports scripts/services.sh starts them on. Tests that need them
 * skip with a clear message when they are not running (`scripts/services.sh` starts them).
 */
import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import pg from 'pg';

export const PG_URL = process.env.SWITCHYARD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:55432/postgres';
export const REDIS_URL = process.env.SWITCHYARD_TEST_REDIS_URL ?? 'redis://127.0.0.1:56379';

export const SERVICES_HINT = 'PostgreSQL/Redis not running: run scripts/services.sh (installs postgresql + redis-server, starts them on 127.0.0.1:55432/56379), then npm test';

let pgProbe: Promise<boolean> | undefined;
let redisProbe: Promise<boolean> | undefined;

/** True when PostgreSQL answers a query at PG_URL. */
export function pgAvailable(): Promise<boolean> {
  pgProbe ??= (async () => {
    const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 1500 });
    c.on('error', () => undefined);
    try {
      await c.connect();
      await c.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await c.end().catch(() => undefined);
    }
  })();
  return pgProbe;
}

/** True when Redis answers PING at REDIS_URL. */
export function redisAvailable(): Promise<boolean> {
  redisProbe ??= new Promise<boolean>((resolve) => {
    const u = new URL(REDIS_URL);
    const s = createConnection({ host: u.hostname, port: Number(u.port || 6379) });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1500, () => done(false));
    s.once('error', () => done(false));
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
  return redisProbe;
}

export async function servicesAvailable(): Promise<boolean> {
  const [a, b] = await Promise.all([pgAvailable(), redisAvailable()]);
  return a && b;
}

/** A fresh, empty database on the test server; drop() removes it (terminating leftover sessions). */
export async function tempPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `sy_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A Redis key prefix no other test run shares. */
export function redisPrefix(): string {
  return `sytest:${randomBytes(5).toString('hex')}:`;
}
