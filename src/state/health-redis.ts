/**
 * Endpoint health shared by replicas through Redis (`state: { type: redis }`). Each replica keeps
 * a local mirror (a MemoryHealth), so `snapshot` and `claimProbe` stay synchronous and cost no
 * round trip; every outcome a replica sees is applied locally and published on a channel, and the
 * other replicas apply it to their mirrors (sub-millisecond on loopback). A capped list of recent
 * events lets a replica that starts later catch up. Probe claims are published too, so a
 * half-open endpoint gets one probe per cool-down across the fleet, give or take the pub/sub
 * latency.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { MemoryHealth, type AttemptOutcome, type EndpointHealth, type HealthOptions, type HealthStore } from '../router/health.js';
import { connectRedis } from './redis.js';

type HealthEvent = { from: string; key: string } & ({ type: 'outcome'; outcome: AttemptOutcome } | { type: 'probe'; at: number });

const HISTORY = 500;

export class RedisHealth implements HealthStore {
  private readonly local: MemoryHealth;
  private readonly me = randomUUID();
  private readonly channel: string;
  private readonly history: string;

  private constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    prefix: string,
    opts: Partial<HealthOptions>,
  ) {
    this.local = new MemoryHealth(opts);
    this.channel = `${prefix}health`;
    this.history = `${prefix}health:recent`;
  }

  static async open(url: string, prefix: string, opts: Partial<HealthOptions> = {}): Promise<RedisHealth> {
    const pub = await connectRedis(url, 'switchyard-health');
    let sub: Redis;
    try {
      sub = await connectRedis(url, 'switchyard-health-sub');
    } catch (e) {
      pub.disconnect();
      throw e;
    }
    const h = new RedisHealth(pub, sub, prefix, opts);
    await h.start();
    return h;
  }

  private async start(): Promise<void> {
    this.sub.on('message', (_ch: string, msg: string) => this.apply(msg, false));
    await this.sub.subscribe(this.channel);
    const recent = await this.pub.lrange(this.history, 0, HISTORY - 1);
    for (const msg of recent.reverse()) this.apply(msg, true);
  }

  private apply(msg: string, replay: boolean): void {
    let e: HealthEvent;
    try {
      e = JSON.parse(msg) as HealthEvent;
    } catch {
      return;
    }
    if (!replay && e.from === this.me) return;
    if (e.type === 'outcome') this.local.record(e.key, e.outcome);
    else this.local.claimProbe(e.key, e.at);
  }

  private publish(e: HealthEvent): void {
    const msg = JSON.stringify(e);
    void this.pub
      .multi()
      .publish(this.channel, msg)
      .lpush(this.history, msg)
      .ltrim(this.history, 0, HISTORY - 1)
      .pexpire(this.history, 3_600_000)
      .exec()
      .catch(() => undefined); // health is advisory: a lost event only delays what others learn
  }

  snapshot(keys: readonly string[], now: number): EndpointHealth[] {
    return this.local.snapshot(keys, now);
  }

  claimProbe(key: string, now: number): boolean {
    const mine = this.local.claimProbe(key, now);
    if (mine) this.publish({ from: this.me, key, type: 'probe', at: now });
    return mine;
  }

  record(key: string, outcome: AttemptOutcome): void {
    this.local.record(key, outcome);
    this.publish({ from: this.me, key, type: 'outcome', outcome });
  }

  async close(): Promise<void> {
    await this.sub.quit().catch(() => this.sub.disconnect());
    await this.pub.quit().catch(() => this.pub.disconnect());
  }
}
