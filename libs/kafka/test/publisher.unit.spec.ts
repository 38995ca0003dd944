import { describe, expect, it } from 'vitest';
import { requestsOf } from '../src/publisher';

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
