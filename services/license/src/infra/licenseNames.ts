import { LicenseEventType, ReplyType, eventOf, formatLicenseName, licenseEventKey, type LicenseCreatedReplyV1, type TraceContext } from '@lma/contracts';
import type { OutgoingEvent } from '@lma/kafka';
import { licenseEventOf } from '../domain/changes';
import type { License } from '../domain/license';
import { LICENSE_SEQUENCE_ID, allocateNumbers, highestTaken } from '../domain/sequence';
import type { ChangeDeps } from './licenseChanges';
import { ClaimCollection, type Models } from './models';

interface Waiting {
  license: License;
  now: Date;
  trace: TraceContext;
  resolve: (l: License) => void;
  reject: (err: unknown) => void;
}

export interface LicenseNamerDeps extends ChangeDeps {
  models: Pick<Models, 'LicenseNumberClaim'>;
}

/**
 * Names new licenses from the global sequence (domain/sequence.ts). The namings this process has
 * under way at one moment share one write of the sequence document: numbers for all of them, and
 * the confirmation of those named since the last write. Each license then claims its number (a
 * unique insert) and is named in one write with `lma.license.created` (and the saga's reply);
 * another replica doing the same races only on the sequence document, whose write is
 * version-conditional and decided again on the fresh state.
 */
export class LicenseNamer {
  private waiting: Waiting[] = [];
  /** Named since the last write of the sequence: their open numbers go with the next one. */
  private confirmed: string[] = [];
  /** Whose open number another license claimed (a sequence behind its claims), and the highest claim found. */
  private refused: string[] = [];
  private floor = 0;
  private draining: Promise<void> | undefined;

  constructor(private readonly deps: LicenseNamerDeps) {}

  /** The license named (a license named already is returned as it is). */
  name(license: License, now: Date, trace: TraceContext): Promise<License> {
    if (license.licenseNumber !== null) return Promise.resolve(license);
    return new Promise((resolve, reject) => {
      this.waiting.push({ license, now, trace, resolve, reject });
      this.drain();
    });
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = this.run().finally(() => {
      this.draining = undefined;
      if (this.waiting.length) this.drain();
    });
  }

  private async run(): Promise<void> {
    while (this.waiting.length || this.confirmed.length) {
      const batch = this.waiting.splice(0);
      const confirmed = this.confirmed.splice(0);
      const refused = this.refused.splice(0);
      let numbers: Map<string, number>;
      try {
        numbers = await this.allocate(batch.map((w) => w.license._id), confirmed, refused);
      } catch (err) {
        for (const w of batch) w.reject(err);
        // kept for the next write: a naming asks again
        this.confirmed.push(...confirmed);
        this.refused.push(...refused);
        return;
      }
      await Promise.all(batch.map((w) => this.nameWith(w, numbers.get(w.license._id)!)));
    }
  }

  /** One write of the sequence document; where it does not exist yet, it starts after the highest claim. */
  private async allocate(want: string[], confirmed: string[], refused: string[]): Promise<Map<string, number>> {
    const { sequence } = this.deps.data;
    const floor = (await sequence.get(LICENSE_SEQUENCE_ID)) ? this.floor : Math.max(this.floor, await highestTaken(0, (n) => this.claimed(n)));
    const r = await sequence.update(LICENSE_SEQUENCE_ID, (current) => {
      const a = allocateNumbers(current, { want, confirmed, refused, floor });
      return a.state ? { state: a.state, result: a.numbers } : { result: a.numbers };
    });
    return r.result!;
  }

  private async nameWith(w: Waiting, n: number): Promise<void> {
    const id = w.license._id;
    try {
      const owner = await this.take(n, id, w.now);
      if (owner !== id) {
        // the sequence was behind the claims: past them, and a new number for this license
        this.floor = Math.max(this.floor, await highestTaken(n, (k) => this.claimed(k)));
        this.refused.push(id);
        this.waiting.push(w);
        return;
      }
      const named = await this.named(w.license, n, w.now, w.trace);
      this.confirmed.push(id);
      w.resolve(named);
    } catch (err) {
      w.reject(err);
    }
  }

  /** Claims `n` for the license; the license that holds it (this one when it claimed it before a crash). */
  private async take(n: number, licenseId: string, now: Date): Promise<string> {
    if (await this.deps.data.store.claimKey(ClaimCollection.LicenseNumbers, { _id: n, licenseId, claimedAt: now })) return licenseId;
    const owner = (await this.deps.models.LicenseNumberClaim.findById(n, { licenseId: 1 }).lean())?.licenseId;
    if (!owner) throw new Error(`license ${licenseId}: number ${n} was refused but has no claim`);
    return owner;
  }

  private async claimed(n: number): Promise<boolean> {
    return (await this.deps.models.LicenseNumberClaim.findById(n, { _id: 1 }).lean()) !== null;
  }

  /** Gives the license its number unless it has one: `lma.license.created` and the saga's reply in the same write. */
  private async named(l: License, n: number, now: Date, trace: TraceContext): Promise<License> {
    const r = await this.deps.data.licenses.update(l._id, (current) => {
      if (!current) throw new Error(`license ${l._id} vanished before it was named`);
      if (current.licenseNumber !== null) return null;
      const named: License = { ...current, licenseNumber: n, licenseName: formatLicenseName(n), revision: 1, updatedAt: now };
      const events: OutgoingEvent[] = [licenseEventOf(named, LicenseEventType.Created, now, trace)];
      if (current.createdFor) {
        const { sagaId, commandId } = current.createdFor;
        const reply: LicenseCreatedReplyV1 = { sagaId, commandId, licenseId: l._id, licenseName: named.licenseName!, existing: false };
        events.push(eventOf(ReplyType.LicenseCreated, reply, { id: `${commandId}:${ReplyType.LicenseCreated}`, key: licenseEventKey(named), time: now, ...trace }));
      }
      return { state: named, events };
    });
    if (r.written) this.deps.listener.licenseWritten(r.state!, LicenseEventType.Created);
    return r.state!;
  }
}
