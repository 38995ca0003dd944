import { describe, expect, it } from 'vitest';
import type { Message, RecordMetadata, TopicMessages } from 'kafkajs';
import { sendAcknowledged, requestsOf } from '../src/publisher';

const rec = (bytes: number, id: string) => ({ id, record: { key: 'k', value: 'x'.repeat(bytes), headers: { ce_id: id } } });

describe('requestsOf', () => {
  it('keeps small records in one request and splits large ones into requests under the limit, in order', () => {
    const small = ['a', 'b', 'c'].map((id) => rec(100, id));
    expect(requestsOf(small, 10_000).map((r) => r.map((x) => x.id))).toEqual([['a', 'b', 'c']]);

    const large = ['1', '2', '3', '4', '5'].map((id) => rec(400_000, id));
    const requests = requestsOf(large, 900_000);
    expect(requests.map((r) => r.map((x) => x.id))).toEqual([['1', '2'], ['3', '4'], ['5']]);
  });

  it('sends a record larger than the limit alone', () => {
    const requests = requestsOf([rec(10, 'a'), rec(2_000_000, 'huge'), rec(10, 'b')], 900_000);
    expect(requests.map((r) => r.map((x) => x.id))).toEqual([['a'], ['huge'], ['b']]);
  });
});

describe('sendAcknowledged', () => {
  // partitions by the first letter of the key; the broker answers per partition
  const partitionOf = (m: Message) => (m.key === null || m.key === undefined ? undefined : m.key.toString().charCodeAt(0) % 3);
  const msg = (key: string): Message => ({ key, value: key });
  const answer = (topicName: string, partition: number): RecordMetadata => ({ topicName, partition, errorCode: 0 });

  it('sends again, alone, the records whose partition did not answer (what kafkajs resolves without having sent after a leader moved)', async () => {
    const sent: string[][] = [];
    const topicMessages: TopicMessages[] = [
      { topic: 'lma.license.events', messages: ['a1', 'b1', 'c1', 'a2', 'b2'].map(msg) },
      { topic: 'lma.saga.replies', messages: ['c3'].map(msg) },
    ];
    let call = 0;
    const send = async (tm: TopicMessages[]) => {
      sent.push(tm.flatMap((t) => t.messages.map((m) => `${t.topic}:${String(m.key)}`)));
      call++;
      // first send: partition 1 of lma.license.events (keys "b…") moved and was skipped
      const partitions = tm.flatMap((t) => [...new Set(t.messages.map((m) => partitionOf(m)!))].map((p) => answer(t.topic, p)));
      return call === 1 ? partitions.filter((a) => !(a.topicName === 'lma.license.events' && a.partition === 'b'.charCodeAt(0) % 3)) : partitions;
    };
    const resends: number[] = [];
    await sendAcknowledged(send, topicMessages, partitionOf, (n) => resends.push(n));
    expect(sent[1]).toEqual(['lma.license.events:b1', 'lma.license.events:b2']);
    expect(sent).toHaveLength(2);
    expect(resends).toEqual([2]);
  });

  it('fails the publish, naming the topic, when a partition never answers', async () => {
    const send = async (): Promise<RecordMetadata[]> => [];
    await expect(sendAcknowledged(send, [{ topic: 'lma.license.events', messages: [msg('a')] }], partitionOf)).rejects.toThrow(/1 record\(s\) to lma.license.events not acknowledged/);
  });
});
