import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';

/** Where a run happened: enough to tell two machines (and two runs on one) apart. */
export interface MachineInfo {
  /** RECKIT_BENCH_MACHINE when set (a name a person gave the box), else the host name. */
  name: string;
  cpuModel: string;
  /** Logical CPUs this process may use (`os.availableParallelism()`). */
  cores: number;
  /** SIMD features relevant to the kernels, from /proc/cpuinfo when readable. */
  cpuFlags: string[];
  memoryGiB: number;
  os: string;
  node: string;
  arch: string;
}

function cpuFlags(): string[] {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('flags'));
    const have = new Set(line?.split(':')[1]?.trim().split(/\s+/) ?? []);
    return ['sse4_2', 'avx', 'avx2', 'fma', 'avx512f'].filter((f) => have.has(f));
  } catch {
    // Not Linux: the flags are a nicety; the CPU model still names the machine.
    return [];
  }
}

function osName(): string {
  try {
    const pretty = readFileSync('/etc/os-release', 'utf8').match(/^PRETTY_NAME="?([^"\n]*)"?/m)?.[1];
    if (pretty) return `${pretty} (${os.type()} ${os.release()})`;
  } catch {
    // No os-release (macOS, Windows): fall back to what Node knows.
  }
  return `${os.type()} ${os.release()}`;
}

export function machineInfo(): MachineInfo {
  const cpu = os.cpus()[0];
  const mhz = cpu?.speed ? ` @ ${(cpu.speed / 1000).toFixed(2)} GHz` : '';
  return {
    name: process.env.RECKIT_BENCH_MACHINE || os.hostname(),
    cpuModel: `${cpu?.model?.trim() ?? 'unknown'}${mhz}`,
    cores: os.availableParallelism(),
    cpuFlags: cpuFlags(),
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: osName(),
    node: process.version,
    arch: process.arch,
  };
}

const require = createRequire(import.meta.url);

/** Installed version of an npm package, or null when it is not installed. */
export function packageVersion(name: string): string | null {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    // Some packages do not export package.json; resolve the entry and walk up instead.
    try {
      let dir = require.resolve(name);
      for (let i = 0; i < 6; i++) {
        dir = dir.slice(0, dir.lastIndexOf('/'));
        try {
          const pkg = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')) as { name?: string; version?: string };
          if (pkg.name === name && pkg.version) return pkg.version;
        } catch {
          // No package.json at this level; keep walking up.
        }
      }
    } catch {
      // Not installed.
    }
    return null;
  }
}
