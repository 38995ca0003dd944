import { describe, expect, it } from 'vitest';
import { runShort } from '../../tools/chaos/src/short';

// The chaos run (npm run chaos, docs/reliability.md) in small, in the suite: two replicas of every
// service under a few hundred records while a replica is killed, one is frozen past its session,
// the broker and the database restart (the shared local ones: started again before this file
// ends), records arrive three times and malformed ones among them; then nothing lost or doubled.
describe('chaos, short and in order', () => {
  it('with one fault of each kind under load, every check of the chaos run passes: lost 0, duplicated 0', async () => {
    const run = await runShort();
    console.log(run.text);
    expect(run.faults.filter((f) => f.error), run.text).toEqual([]);
    expect({ ok: run.ok, lost: run.lost, duplicated: run.duplicated }, run.text).toEqual({ ok: true, lost: 0, duplicated: 0 });
  }, 600_000);
});
