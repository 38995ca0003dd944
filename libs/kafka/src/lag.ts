import type { Admin } from 'kafkajs';

/** Records of one partition that a consumer group has not committed yet. */
export interface PartitionLag {
  /** The topic as on the broker. */
  topic: string;
  partition: number;
  records: number;
}

/**
 * The lag of `groupId` on the partitions it holds (`assignment`: topic as on the broker ->
 * partitions), from the broker: each partition's high watermark minus the group's committed
 * offset. Asked of the broker rather than taken from the records a consumer finishes, so a
 * partition stuck on one record shows the backlog growing behind it.
 *
 * Records removed by retention are not counted (the committed offset is raised to the earliest
 * one kept). A partition without a committed offset counts from its earliest record when the
 * group reads from the beginning; otherwise its start is unknown until a first commit, and it
 * is left out.
 */
export async function fetchConsumerLag(admin: Admin, groupId: string, assignment: Record<string, number[]>, fromBeginning: boolean): Promise<PartitionLag[]> {
  const topics = Object.keys(assignment).filter((t) => assignment[t]!.length > 0);
  if (topics.length === 0) return [];
  const [committed, watermarks] = await Promise.all([
    admin.fetchOffsets({ groupId, topics }),
    Promise.all(topics.map(async (topic) => ({ topic, partitions: await admin.fetchTopicOffsets(topic) }))),
  ]);
  const committedOf = new Map(committed.flatMap((t) => t.partitions.map((p) => [`${t.topic}:${p.partition}`, Number(p.offset)] as const)));
  const out: PartitionLag[] = [];
  for (const { topic, partitions } of watermarks) {
    const held = new Set(assignment[topic]);
    for (const p of partitions) {
      if (!held.has(p.partition)) continue;
      const high = Number(p.high);
      const low = Number(p.low);
      const offset = committedOf.get(`${topic}:${p.partition}`) ?? -1;
      if (offset < 0 && !fromBeginning) continue;
      out.push({ topic, partition: p.partition, records: Math.max(0, high - Math.max(offset, low)) });
    }
  }
  return out;
}
