import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** CPU use of processes read from Linux's /proc; undefined wherever /proc does not answer. */

const CLK_TCK = (() => {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const v = Number(r.stdout?.trim());
  return Number.isFinite(v) && v > 0 ? v : 100;
})();

/** utime + stime of a process, in seconds. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces and parentheses: count fields after its last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/** Busy and total CPU time of the whole machine (all cores), in seconds. */
export function machineCpu(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    return { busy: (total - idle) / CLK_TCK, total: total / CLK_TCK };
  } catch {
    return undefined;
  }
}

/** Socket inodes listening on a local TCP port (IPv4 and IPv6). */
function listeningInodes(port: number): Set<string> {
  const out = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      const localPort = parseInt(f[1]!.split(':')[1] ?? '', 16);
      if (localPort === port && f[3] === '0A') out.add(f[9]!);
    }
  }
  return out;
}

/** The process listening on a local TCP port, found through its socket's inode. */
export function pidListeningOn(port: number): number | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${entry}/fd/${fd}`));
        if (m && inodes.has(m[1]!)) return Number(entry);
      } catch {
        // the descriptor closed meanwhile
      }
    }
  }
  return undefined;
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]', '0.0.0.0']);

/**
 * The database process behind MONGODB_URI when it runs on this machine: the process listening on
 * its port, else the pid `deploy/local/infra.sh` recorded. A remote or multi-host URI has none
 * here, and the reason says so.
 */
export function databasePid(uri: string, localDir: string): { pid: number; how: string } | { reason: string } {
  const hosts = /^mongodb(?:\+srv)?:\/\/(?:[^@/]*@)?([^/?]+)/.exec(uri)?.[1]?.split(',') ?? [];
  if (uri.startsWith('mongodb+srv:') || hosts.length !== 1) return { reason: `MONGODB_URI names ${hosts.length === 1 ? 'an SRV record' : `${hosts.length} hosts`}, not one local process` };
  const hostPort = hosts[0]!;
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostPort);
  const host = m?.[1] ?? hostPort;
  const port = Number(m?.[2] ?? 27017);
  if (!LOCAL_HOSTS.has(host) && host !== os.hostname()) return { reason: `the database runs at ${hostPort}, not on this machine` };
  const byPort = pidListeningOn(port);
  if (byPort !== undefined) return { pid: byPort, how: `listening on port ${port}` };
  const pidFile = path.join(localDir, 'ferretdb.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (cpuSeconds(pid) !== undefined) return { pid, how: `recorded in ${pidFile}` };
  }
  return { reason: `no process found listening on port ${port}` };
}

export function commandOf(pid: number): string {
  try {
    return path.basename(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '?');
  } catch {
    return '?';
  }
}
