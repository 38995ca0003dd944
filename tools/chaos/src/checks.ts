import { LICENSE_EVENTS_TOPIC, LicenseEventType, MARKETPLACE_EVENTS_TOPIC, MarketplaceEventType, type LicenseV1 } from '@lma/contracts';
import type { SimInstallation } from '@lma/simulator';
import type { ReceivedRecord } from '@lma/testing';
import type { ApiWrite } from './load';
import type { World } from './world';

export interface Check {
  name: string;
  ok: boolean;
  /** What was counted, and the first problems found. */
  detail: string;
  lost: number;
  duplicated: number;
}

type Doc = Record<string, unknown>;
const sample = (xs: string[], n = 3) => (xs.length ? ` e.g. ${xs.slice(0, n).join('; ')}` : '');
const check = (name: string, problems: { lost?: string[]; duplicated?: string[]; other?: string[] }, counted: string): Check => {
  const lost = problems.lost ?? [];
  const duplicated = problems.duplicated ?? [];
  const other = problems.other ?? [];
  const all = [...lost, ...duplicated, ...other];
  return { name, ok: all.length === 0, detail: `${counted}${all.length ? `; ${all.length} problem(s):${sample(all)}` : ''}`, lost: lost.length, duplicated: duplicated.length };
};

interface Inputs {
  world: World;
  /** Every record on the watched topics (lma.license.events, marketplace.events and the dead-letter topics), once each. */
  records: ReceivedRecord[];
  junkKeys: ReadonlySet<string>;
  writes: ApiWrite[];
  dlqTopics: string[];
}

/** `items` by `keyOf`, each group in the order given. */
function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = keyOf(item);
    const group = out.get(k);
    if (group) group.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** Distinct license events (a redelivery repeats the ce_id) in topic order, per license. */
function licenseStreams(records: ReceivedRecord[]): Map<string, { id: string; type: string; data: LicenseV1 }[]> {
  const seen = new Set<string>();
  const out = new Map<string, { id: string; type: string; data: LicenseV1 }[]>();
  for (const r of records) {
    if (r.topic !== LICENSE_EVENTS_TOPIC || !r.event) continue;
    if (seen.has(r.event.id)) continue;
    seen.add(r.event.id);
    const data = r.event.data as LicenseV1;
    const list = out.get(data.licenseId) ?? [];
    list.push({ id: r.event.id, type: r.event.type, data });
    out.set(data.licenseId, list);
  }
  return out;
}

export async function runChecks({ world, records, junkKeys, writes, dlqTopics }: Inputs): Promise<Check[]> {
  const { mp, offering, stack } = world;
  const checks: Check[] = [];
  const licenses = new Map((await stack.db('license').collection('licenses').find({}).toArray()).map((l) => [String(l._id), l as Doc]));
  const streams = licenseStreams(records);

  // which installations the marketplace certainly told LMA about, and whose every record certainly arrived
  const certainInstall = new Set<string>();
  const uncertain = new Set<string>();
  for (const o of offering.offered) {
    const key = o.event.key ?? '';
    if (o.uncertain) uncertain.add(key);
    else if (o.event.type === MarketplaceEventType.PackageInstalled) certainInstall.add(key);
  }
  const installations: SimInstallation[] = [...mp.state.packages.values()].flatMap((p) => [...p.installations.values()]);
  const keyOf = (i: SimInstallation) => `${i.packageId}:${i.subscriberOrgId}`;
  const idOf = (i: SimInstallation) => `lic_${i.packageId}_${i.subscriberOrgId}`;

  // 1. one license per valid install
  {
    const lost: string[] = [];
    const duplicated: string[] = [];
    let counted = 0;
    for (const i of installations) {
      const names = new Set((streams.get(idOf(i)) ?? []).filter((e) => e.type === LicenseEventType.Created).map((e) => e.data.licenseName));
      if (names.size > 1) duplicated.push(`${keyOf(i)} created as ${[...names].join(', ')}`);
      if (!certainInstall.has(keyOf(i))) continue;
      counted++;
      const l = licenses.get(idOf(i));
      if (!l?.['licenseName'] || names.size === 0) lost.push(`${keyOf(i)} has no license${l ? ' name' : ''}${names.size ? '' : ' (no lma.license.created)'}`);
    }
    checks.push(check('every install has exactly one license', { lost, duplicated }, `${counted} installations`));
  }

  // 2. one lead or contact per install
  {
    const leads = await stack.db('lead').collection('leads').find({}).toArray();
    const byInstall = groupBy(leads as Doc[], (l) => `${String(l['packageId'])}:${String(l['subscriberOrgId'])}`);
    const lost: string[] = [];
    const duplicated: string[] = [];
    let counted = 0;
    for (const i of installations) {
      if (!certainInstall.has(keyOf(i))) continue;
      const l = licenses.get(idOf(i));
      if (!l?.['licenseName']) continue;
      counted++;
      const open = (byInstall.get(keyOf(i)) ?? []).filter((x) => !x['withdrawnAt']);
      if (open.length > 1) duplicated.push(`${keyOf(i)} has ${open.length} leads`);
      if (!l['leadId'] && !l['contactId']) lost.push(`${l['licenseName']} links no lead or contact`);
      else if (l['leadId'] && !open.some((x) => x._id === l['leadId']) && !(byInstall.get(keyOf(i)) ?? []).some((x) => x._id === l['leadId'])) lost.push(`${l['licenseName']} links lead ${l['leadId']}, which the lead service does not hold for it`);
    }
    checks.push(check('every licensed install has exactly one lead or contact', { lost, duplicated }, `${counted} licensed installations, ${leads.length} leads`));
  }

  // 3. license names unique and gap-free
  {
    const numbers = [...licenses.values()].map((l) => l['licenseNumber']).filter((n): n is number => typeof n === 'number').sort((a, b) => a - b);
    const other: string[] = [];
    const duplicated: string[] = [];
    for (let k = 1; k < numbers.length; k++) {
      if (numbers[k] === numbers[k - 1]) duplicated.push(`number ${numbers[k]} twice`);
      else if (numbers[k]! !== numbers[k - 1]! + 1) other.push(`gap between ${numbers[k - 1]} and ${numbers[k]}`);
    }
    if (numbers.length && numbers[0] !== 1) other.push(`the first number is ${numbers[0]}`);
    checks.push(check('license names unique and gap-free', { duplicated, other }, `${numbers.length} names, L-${numbers[0] ?? '?'}..L-${numbers.at(-1) ?? '?'}`));
  }

  // 4. per license: revisions 1..n in topic order, the last equal to the stored license
  {
    const other: string[] = [];
    const lost: string[] = [];
    let events = 0;
    for (const [id, list] of streams) {
      events += list.length;
      const revs = list.map((e) => e.data.revision);
      if (revs.some((r, k) => r !== k + 1)) other.push(`${id}: revisions ${revs.join(',')}`);
      const stored = licenses.get(id);
      const last = list.at(-1)!.data;
      if (!stored) lost.push(`${id} published but not stored`);
      else {
        const differs = (['revision', 'status', 'seats', 'usedLicenses', 'expiresOn', 'packageVersionId', 'orgEdition'] as const).filter((f) => (stored[f] ?? null) !== ((last as unknown as Doc)[f] ?? null));
        if (differs.length) other.push(`${id}: stored ${differs.map((f) => `${f}=${String(stored[f])}`).join(' ')} but last event ${differs.map((f) => `${f}=${String((last as unknown as Doc)[f])}`).join(' ')}`);
      }
    }
    for (const [id, l] of licenses) if (l['licenseName'] && !streams.has(id)) lost.push(`${id} stored at revision ${String(l['revision'])} but never published`);
    checks.push(check('license events: revisions 1..n without gaps, the last one is the stored license', { lost, other }, `${streams.size} licenses, ${events} distinct events`));
  }

  // 5. the marketplace's state reflected: presence, version, org edition, seats
  {
    const lost: string[] = [];
    let counted = 0;
    for (const i of installations) {
      const k = keyOf(i);
      if (!certainInstall.has(k) || uncertain.has(k) || uncertain.has(i.subscriberOrgId)) continue;
      const l = licenses.get(idOf(i));
      if (!l?.['licenseName']) continue;
      counted++;
      const want: Record<string, unknown> = { uninstalled: i.uninstalled, packageVersionId: i.packageVersionId, orgEdition: i.org.edition, usedLicenses: i.uninstalled ? null : i.users.length };
      const got: Record<string, unknown> = { uninstalled: l['status'] === 'Uninstalled', packageVersionId: l['packageVersionId'], orgEdition: l['orgEdition'], usedLicenses: l['usedLicenses'] ?? null };
      const differs = Object.keys(want).filter((f) => want[f] !== got[f]);
      if (differs.length) lost.push(`${String(l['licenseName'])}: ${differs.map((f) => `${f} ${String(got[f])}, marketplace ${String(want[f])}`).join(', ')}`);
    }
    checks.push(check("every marketplace change applied (the license matches the marketplace's installation)", { lost }, `${counted} licenses whose records all reached the broker`));
  }

  // 6. API writes: accepted exactly once, refused not at all
  {
    const lost: string[] = [];
    const duplicated: string[] = [];
    const other: string[] = [];
    const byReason = new Map<string, number>();
    for (const list of streams.values()) for (const e of list) if (e.data.reason) byReason.set(`${e.data.licenseId}|${e.data.reason}`, (byReason.get(`${e.data.licenseId}|${e.data.reason}`) ?? 0) + 1);
    const counts = { accepted: 0, refused: 0, unanswered: 0 };
    for (const w of writes.filter((x) => x.kind === 'modify-license')) {
      const n = byReason.get(`${w.target}|${w.marker}`) ?? 0;
      if (w.status === 200) {
        counts.accepted++;
        if (n === 0) lost.push(`${w.marker} (200) changed nothing`);
        if (n > 1) duplicated.push(`${w.marker} (200) published ${n} times`);
        if (!w.valid) other.push(`${w.marker} should have been refused`);
      } else if (w.status >= 400 && w.status < 500) {
        counts.refused++;
        if (n > 0) other.push(`${w.marker} (${w.status}) changed the license`);
        if (w.valid && w.status !== 409 && w.status !== 412) other.push(`${w.marker}: a valid change refused with ${w.status}`);
      } else {
        counts.unanswered++;
        if (n > 1) duplicated.push(`${w.marker} (${w.status}) published ${n} times`);
      }
    }
    // lead manager: the package's lead routing is the last accepted write's
    const lastAccepted = new Map<string, unknown>();
    for (const w of writes.filter((x) => x.kind === 'lead-manager')) {
      if (w.status === 200) lastAccepted.set(w.target, w.value);
      if (w.status === 200 && !w.valid) other.push(`lead manager ${String(w.value)} for ${w.target} should have been refused`);
      if (w.status >= 400 && w.status < 500 && w.valid) other.push(`lead manager ${String(w.value)} for ${w.target} refused with ${w.status}`);
    }
    for (const [packageId, want] of lastAccepted) {
      const r = await world.api('GET', `/packages/${packageId}/lead-routing`);
      if (r.body['leadManagerId'] !== want) lost.push(`${packageId}: lead manager ${String(r.body['leadManagerId'])}, last accepted ${String(want)}`);
    }
    for (const w of writes.filter((x) => x.kind === 'refresh')) {
      if (w.status !== 202) other.push(`refresh of ${w.target} answered ${w.status}`);
      else {
        const job = await world.api('GET', `/refresh-jobs/${w.marker}`);
        if (!['completed', 'incomplete'].includes(String(job.body['state'] ?? job.body['status']))) other.push(`refresh job ${w.marker} is ${String(job.body['state'] ?? job.body['status'])}`);
      }
    }
    const lm = writes.filter((x) => x.kind === 'lead-manager').length;
    checks.push(check('API writes: each accepted one applied once, each refused one changed nothing', { lost, duplicated, other }, `Modify License ${counts.accepted} accepted, ${counts.refused} refused, ${counts.unanswered} unanswered; ${lm} lead manager changes; ${writes.filter((x) => x.kind === 'refresh').length} refresh`));
  }

  // 7. every uninstall alert delivered once
  {
    const notifications = (await stack.db('notification').collection('notifications').find({ kind: 'license-uninstalled' }).toArray()) as Doc[];
    const byLicense = groupBy(notifications, (n) => String(n['licenseId']));
    const mailIds = new Map<string, Set<string>>();
    for (const m of world.mails) mailIds.set(m.notificationId, (mailIds.get(m.notificationId) ?? new Set()).add(m.messageId));
    const lost: string[] = [];
    const duplicated: string[] = [];
    let occasions = 0;
    for (const [id, list] of streams) {
      let was = 'none';
      let expected = 0;
      for (const e of list) {
        if (e.data.status === 'Uninstalled' && was !== 'Uninstalled' && was !== 'none') expected++;
        was = e.data.status;
      }
      occasions += expected;
      const raised = byLicense.get(id) ?? [];
      if (raised.length < expected) lost.push(`${id}: ${expected} uninstalls, ${raised.length} alerts`);
      if (raised.length > expected) duplicated.push(`${id}: ${expected} uninstalls, ${raised.length} alerts`);
      for (const n of raised) {
        const sent = mailIds.get(String(n._id))?.size ?? 0;
        if (n['status'] !== 'sent' || sent === 0) lost.push(`${String(n._id)} ${String(n['status'])}, ${sent} mails`);
        if (sent > 1) duplicated.push(`${String(n._id)} mailed with ${sent} Message-IDs`);
      }
    }
    checks.push(check('every notification occasion delivered exactly once', { lost, duplicated }, `${occasions} uninstalls, ${notifications.length} alerts, ${world.mails.length} mails received`));
  }

  // 8. every malformed record dead-lettered once, with its reason; nothing else. "Once" is per
  // record on the topic: the marketplace's producer may have put one twice on marketplace.events (a
  // send retried across the broker restart), and each copy is a record of its own, dead-lettered once
  {
    const lost: string[] = [];
    const duplicated: string[] = [];
    const other: string[] = [];
    const dead = records.filter((r) => dlqTopics.includes(r.topic));
    const positionOf = (r: ReceivedRecord) => `${r.topic}/${r.partition}@${r.offset}`;
    // the record a dead letter names, as positionOf writes it
    const sourceOf = (d: ReceivedRecord) => `${d.headers['lma_dlq_topic']}/${d.headers['lma_dlq_partition']}@${d.headers['lma_dlq_offset']}`;
    const copies = groupBy(
      records.filter((r) => r.topic === MARKETPLACE_EVENTS_TOPIC && junkKeys.has(r.key ?? '')),
      (r) => r.key ?? '',
    );
    const bySource = groupBy(dead, sourceOf);
    let twice = 0;
    for (const k of junkKeys) {
      const onTopic = copies.get(k) ?? [];
      if (onTopic.length === 0) other.push(`${k} never reached ${MARKETPLACE_EVENTS_TOPIC}`);
      if (onTopic.length > 1) twice++;
      for (const c of onTopic) {
        const got = bySource.get(positionOf(c)) ?? [];
        if (got.length === 0) lost.push(`${k} (${positionOf(c)}) not dead-lettered`);
        if (got.length > 1) duplicated.push(`${k} (${positionOf(c)}) dead-lettered ${got.length} times (${got.map((g) => `${positionOf(g)} by ${g.headers['lma_dlq_consumer_group']} at ${g.headers['lma_dlq_failed_at']}`).join('; ')})`);
        if (got.some((g) => !g.headers['lma_dlq_reason'])) other.push(`${k} without a reason`);
      }
    }
    const sources = new Set([...copies.values()].flat().map(positionOf));
    for (const r of dead) if (!sources.has(sourceOf(r))) other.push(`${r.topic} holds ${r.key} from ${sourceOf(r)}: ${r.headers['lma_dlq_reason']}`);
    const onTopic = [...copies.values()].reduce((n, c) => n + c.length, 0);
    checks.push(
      check(
        'every malformed record on its dead-letter topic once, with its reason, and nothing else',
        { lost, duplicated, other },
        `${junkKeys.size} malformed records, ${onTopic} on the topic${twice ? ` (${twice} put there more than once by the publisher's retries)` : ''}, ${dead.length} dead letters`,
      ),
    );
  }

  // 9. no saga left between steps without a reason
  {
    const sagas = (await stack.db('install-intake').collection('onboardings').find({}).toArray()) as Doc[];
    const stuck = sagas.filter((s) => !['completed', 'failed'].includes(String(s['state'])) && !(s['state'] === 'parked' && s['parkedReason']));
    const states = new Map<string, number>();
    for (const s of sagas) states.set(String(s['state']), (states.get(String(s['state'])) ?? 0) + 1);
    checks.push(check('no onboarding left unfinished without a reason', { other: stuck.map((s) => `${String(s._id)} ${String(s['state'])}`) }, [...states].map(([s, n]) => `${n} ${s}`).join(', ')));
  }
  return checks;
}
