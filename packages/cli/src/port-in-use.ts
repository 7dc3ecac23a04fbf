import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** `epca serve` could not listen because another process holds the port (`EADDRINUSE`). */
export class PortInUseError extends Error {
  readonly code = "port_in_use" as const;
  constructor(
    readonly port: number,
    readonly host: string,
    /** The process listening there, when it could be found cheaply (Linux `/proc`, same user). */
    readonly holder: { pid: number; command: string } | null,
  ) {
    const by = holder ? ` by process ${holder.pid} (${holder.command})` : " by another process";
    const next = port === 65535 ? port - 1 : port + 1;
    super(
      `port ${port} on ${host} is already in use${by}. Stop that process, or choose another port with the PORT variable ` +
        `(e.g. PORT=${next} pnpm start, or epca serve --port ${next}).`,
    );
    this.name = "PortInUseError";
  }
}

/**
 * The process listening on TCP `port`, found through Linux's `/proc/net/tcp{,6}` (the socket's
 * inode) and `/proc/<pid>/fd` (who holds that inode); `null` when unknown: another OS, another
 * user's process, or a race. Reads a few small files; never runs a program.
 */
export function processListeningOn(port: number): { pid: number; command: string } | null {
  try {
    const inodes = new Set<string>();
    for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
      let text: string;
      try {
        text = readFileSync(table, "utf8");
      } catch {
        continue;
      }
      for (const line of text.split("\n").slice(1)) {
        const fields = line.trim().split(/\s+/);
        // local_address is "ADDR:PORT" in hex; st 0A is LISTEN; the inode is the tenth field.
        const local = fields[1];
        if (!local || fields[3] !== "0A") continue;
        if (Number.parseInt(local.slice(local.lastIndexOf(":") + 1), 16) === port && fields[9]) inodes.add(fields[9]);
      }
    }
    if (inodes.size === 0) return null;
    const wanted = new Set([...inodes].map((inode) => `socket:[${inode}]`));
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
      let fds: string[];
      try {
        fds = readdirSync(`/proc/${entry}/fd`);
      } catch {
        continue;
      }
      for (const fd of fds) {
        let target: string;
        try {
          target = readlinkSync(`/proc/${entry}/fd/${fd}`);
        } catch {
          continue;
        }
        if (wanted.has(target)) return { pid: Number(entry), command: commandOf(entry) };
      }
    }
    return null;
  } catch {
    return null;
  }
}

function commandOf(pid: string): string {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    if (argv.length > 0) return argv.join(" ").slice(0, 200);
  } catch {
    // fall through
  }
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "unknown";
  }
}
