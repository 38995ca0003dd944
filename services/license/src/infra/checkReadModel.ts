import { LicenseEventType } from '@lma/contracts';
import { checkStateOf, decideCheck, needsSeat, type CheckAnswer, type CheckState } from '../domain/check';
import { licenseIdFor, type License } from '../domain/license';
import { holdsSeat, seatIdOf, seatRecordOf, type SeatRecord } from '../domain/seats';
import type { LicenseWriteListener } from './licenseChanges';
import type { Models } from './models';

interface Entry {
  /** null: an event newer than what is cached was seen (another replica's change); reload by _id. */
  state: CheckState | null;
  /** No (named) license: answered `not-installed` until this process creates it or an event about it arrives. */
  absent?: true;
  revision: number;
  /** userId -> the user's seat record (null: none); filled on demand by `_id` lookups. */
  seats: Map<string, SeatRecord | null>;
  /** Bumped on every seat write: a seat lookup that started before it is not cached. */
  seatGeneration: number;
}

/**
 * The license check read model: per process, in memory, the check state of each license asked
 * about (status, seats, expiration, org lock, revision) and the seat of each user asked about.
 * Loaded on a miss by `_id` only (a license by its id, a seat by `<licenseId>:<userId>`), never by
 * a query that would scan. A seat is the user's record read with the license's own last seat
 * write and seat epoch (domain/seats.ts). Kept current:
 * - by this process's own writes, right after each succeeds (it is their LicenseWriteListener), so
 *   a check right after a change made through this replica reflects it;
 * - by `lma.license.events` consumed by each replica with its own consumer group: an event whose
 *   revision is newer than the cached one drops the cached state (revision-guarded), so the next
 *   check reloads it from the database, which already holds that revision (the outbox publishes
 *   after the write). Events do not carry who got or lost a seat, hence the reload.
 * A license that does not exist is remembered as absent (`not-installed` without a database round
 * trip) until this process names it (licenseNames.ts tells this model) or its `lma.license.created`
 * event arrives from the replica that created it.
 */
export class CheckReadModel implements LicenseWriteListener {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly m: Models,
    private readonly maxEntries = 200_000,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  async check(packageId: string, subscriberOrgId: string, userId: string, today: string): Promise<CheckAnswer> {
    const id = licenseIdFor(packageId, subscriberOrgId);
    let e = this.entries.get(id);
    if (e?.absent) return decideCheck(null, false, today);
    if (!e?.state) e = await this.load(id);
    const state = e?.state ?? null;
    if (!e || !needsSeat(state, today)) return decideCheck(state, false, today);
    const record = e.seats.has(userId) ? (e.seats.get(userId) ?? null) : await this.loadSeat(id, e, userId);
    return decideCheck(state, holdsSeat(state!, seatRecordOf(state!, userId, record)), today);
  }

  private async load(id: string, attempt = 0): Promise<Entry | undefined> {
    const known = this.entries.get(id);
    const doc = (await this.m.License.findById(id, { outbox: 0, _v: 0, appliedEventIds: 0, lastAudit: 0 }).lean()) as License | null;
    const current = this.entries.get(id);
    if (current !== known && attempt < 2) {
      // something happened to this license while reading: this process's write is the newest
      // state; an event (another replica's write) means reading again
      if (current?.state) return current;
      if (current?.absent) return undefined;
      return await this.load(id, attempt + 1);
    }
    if (!doc?.licenseName) {
      if (!current) this.put(id, { state: null, revision: 0, absent: true, seats: new Map(), seatGeneration: 0 });
      return undefined;
    }
    if (current?.state && current.revision >= doc.revision) return current;
    const e: Entry = { state: checkStateOf(doc), revision: doc.revision, seats: current?.seats ?? new Map(), seatGeneration: current?.seatGeneration ?? 0 };
    this.put(id, e);
    return e;
  }

  private async loadSeat(licenseId: string, e: Entry, userId: string): Promise<SeatRecord | null> {
    const generation = e.seatGeneration;
    const doc = await this.m.SeatAssignment.findById(seatIdOf(licenseId, userId), { assigned: 1, changedAt: 1, epoch: 1, seq: 1 }).lean();
    const record: SeatRecord | null = doc ? { assigned: doc.assigned, changedAt: doc.changedAt, epoch: doc.epoch ?? 0, seq: doc.seq ?? 0 } : null;
    if (e.seatGeneration === generation && this.entries.get(licenseId) === e) e.seats.set(userId, record);
    return record;
  }

  private put(id: string, e: Entry): void {
    if (!this.entries.has(id) && this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(id, e);
  }

  /** This process wrote the license. */
  licenseWritten(l: License, eventType: string | null): void {
    if (!l.licenseName) return;
    const current = this.entries.get(l._id);
    if (current && current.revision > l.revision) return;
    const resetSeats = eventType === LicenseEventType.Uninstalled || eventType === LicenseEventType.Reinstalled || !current;
    this.put(l._id, {
      state: checkStateOf(l),
      revision: l.revision,
      seats: resetSeats ? new Map() : current.seats,
      seatGeneration: (current?.seatGeneration ?? 0) + (resetSeats ? 1 : 0),
    });
  }

  /** This process wrote a seat assignment: the user's seat is looked up again. */
  seatWritten(licenseId: string, userId: string): void {
    const e = this.entries.get(licenseId);
    if (!e) return;
    e.seatGeneration++;
    e.seats.delete(userId);
  }

  /** A license event (any replica's): a newer revision than the cached one drops the cached state. */
  eventSeen(licenseId: string, revision: number): void {
    const e = this.entries.get(licenseId);
    if (!e || e.revision >= revision) return;
    this.entries.set(licenseId, { state: null, revision, seats: new Map(), seatGeneration: e.seatGeneration + 1 });
  }
}
