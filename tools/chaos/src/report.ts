import type { Check } from './checks';
import type { FaultRecord } from './faults';
import type { World } from './world';

/** A Markdown table, columns padded. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  return [line(rows[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

export interface Outcome {
  lost: number;
  duplicated: number;
  /** Whether every check passed and the system got quiet. */
  ok: boolean;
  /** The faults and checks tables and the figures, as a run prints them. */
  text: string;
}

/** What a run found: the faults, the checks and the figures (records offered, lost, duplicated, time to quiet). */
export function report(world: World, injected: FaultRecord[], checks: Check[], figures: { junk: number; apiWrites: number; quietSeconds: number | null; quietLimit: number; at?: string }): Outcome {
  const offered = world.offering.offered;
  const lost = checks.reduce((a, c) => a + c.lost, 0);
  const duplicated = checks.reduce((a, c) => a + c.duplicated, 0);
  const text = [
    'faults:',
    table([[figures.at ?? 'at (s)', 'fault', 'target', 'back after (s)'], ...injected.map((f) => [String(f.at), f.fault, f.target, f.error ? `failed: ${f.error}` : ((f.recoveredMs ?? 0) / 1000).toFixed(1)])]),
    '',
    'checks:',
    table([['check', 'result', 'counted'], ...checks.map((c) => [c.name, c.ok ? 'ok' : 'FAILED', c.detail])]),
    '',
    `records offered ${offered.length} (${offered.reduce((a, o) => a + o.copies, 0)} on the broker with the repeats, ${offered.filter((o) => o.uncertain).length} uncertain), ` +
      `malformed ${figures.junk}, API writes ${figures.apiWrites}, faults injected ${injected.length}, lost ${lost}, duplicated ${duplicated}, ` +
      `time to quiet after the last fault ${figures.quietSeconds === null ? `over ${figures.quietLimit} s` : `${figures.quietSeconds} s`}`,
  ].join('\n');
  return { lost, duplicated, ok: figures.quietSeconds !== null && checks.every((c) => c.ok), text };
}
