import type { Admin } from 'kafkajs';
import type { TestKafka } from '@lma/testing';
import type { World } from './world';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Records the live consumer groups of the run still have to read, over all their topics. A group
 * without members is left out: the read-model group a killed license replica leaves behind
 * (ephemeral, one per process) is never read again.
 */
async function totalLag(admin: Admin, prefix: string): Promise<number> {
  const named = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${prefix}.`) && !g.includes('.watch-'));
  const groups = (await admin.describeGroups(named)).groups.filter((g) => g.members.length > 0).map((g) => g.groupId);
  const ends = new Map<string, Map<number, number>>();
  let lag = 0;
  for (const groupId of groups) {
    for (const t of await admin.fetchOffsets({ groupId })) {
      if (!t.topic.startsWith(`${prefix}.`)) continue;
      let end = ends.get(t.topic);
      if (!end) {
        end = new Map((await admin.fetchTopicOffsets(t.topic)).map((p) => [p.partition, Number(p.high)]));
        ends.set(t.topic, end);
      }
      for (const p of t.partitions) {
        const committed = Number(p.offset);
        const high = end.get(p.partition) ?? 0;
        lag += committed < 0 ? high : Math.max(0, high - committed);
      }
    }
  }
  return lag;
}

/**
 * Waits until the system is quiet: no consumer group of the run has anything left to read, no
 * onboarding is between steps or parked, no notification waits for delivery and no store claim is open,
 * three times in a row two seconds apart. Returns the seconds it took, or null at the limit.
 */
export async function waitForQuiet(world: World, admin: Admin, limitSeconds: number): Promise<{ seconds: number | null; last: Record<string, number> }> {
  const t0 = Date.now();
  let calm = 0;
  let last: Record<string, number> = {};
  while (Date.now() - t0 < limitSeconds * 1000) {
    try {
      const onboardings = world.stack.db('install-intake').collection('onboardings');
      last = {
        lag: await totalLag(admin, world.stack.prefix),
        sagasInFlight: await onboardings.countDocuments({ state: { $in: ['lead_requested', 'license_requested', 'withdrawing_lead'] } }),
        // the load registers every package and uploads every version it installs, so a parked
        // onboarding (its create-license ran ahead of the version's upload on another partition)
        // resumes, on the upload's trigger or at its retry time: not quiet until it has
        sagasParked: await onboardings.countDocuments({ state: 'parked' }),
        pendingDeliveries: await world.stack.db('notification').collection('pending_deliveries').countDocuments(),
        openClaims: (await Promise.all(['install-intake', 'lead', 'license', 'notification', 'refresh'].map((s) => world.stack.db(s as 'lead').collection('store_claims').countDocuments()))).reduce((a, b) => a + b, 0),
      };
      calm = Object.values(last).every((v) => v === 0) ? calm + 1 : 0;
      if (calm >= 3) return { seconds: Math.round((Date.now() - t0) / 1000), last };
    } catch {
      calm = 0;
    }
    await sleep(2_000);
  }
  return { seconds: null, last };
}

/**
 * Waits until the run's watcher has read every watched topic up to its end: after a broker restart
 * its consumer reconnects on its own time, and the checks must not count what it has yet to read.
 */
export async function waitForWatch(admin: Admin, watch: TestKafka, prefix: string, topics: string[], limitSeconds = 120): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const read = new Map<string, number>();
    for (const r of watch.received) read.set(`${r.topic}|${r.partition}`, Math.max(read.get(`${r.topic}|${r.partition}`) ?? -1, r.offset));
    let behind = 0;
    try {
      for (const topic of topics) {
        for (const p of await admin.fetchTopicOffsets(`${prefix}.${topic}`)) {
          const high = Number(p.high);
          if (high > Number(p.low) && (read.get(`${topic}|${p.partition}`) ?? -1) < high - 1) behind++;
        }
      }
    } catch {
      behind = -1; // the broker not answering yet: asked again
    }
    if (behind === 0) return;
    if (Date.now() - t0 > limitSeconds * 1000) throw new Error(`the run's watcher has not read ${behind < 0 ? 'the' : behind} partition(s) of ${topics.join(', ')} to their end after ${limitSeconds} s`);
    await sleep(500);
  }
}
