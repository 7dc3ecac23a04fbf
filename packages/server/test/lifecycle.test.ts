/**
 * The drain of `drainableServer` on raw sockets (so that nothing pools or retries): the request in
 * flight is answered with `Connection: close`, a request whose headers finish arriving during the
 * drain is answered 503, a new connection is refused; and the start-up helpers.
 */
import { createServer, type ServerResponse } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { drainableServer, durabilityWarnings, waitForDatabase } from "@epca/server";

function rawClient(port: number): { socket: Socket; closed: Promise<string>; connected: Promise<void> } {
  const socket = connect(port, "127.0.0.1");
  let received = "";
  socket.setEncoding("utf8").on("data", (chunk: string) => (received += chunk));
  const closed = new Promise<string>((resolve) => socket.on("close", () => resolve(received)));
  socket.on("error", () => undefined);
  return { socket, closed, connected: new Promise((resolve) => socket.once("connect", () => resolve())) };
}
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("drainableServer", () => {
  it("answers the request in flight with Connection: close, 503 to a request arriving meanwhile, and refuses new connections", async () => {
    let slow: ServerResponse | undefined;
    const server = createServer((req, res) => (req.url === "/slow" ? (slow = res) : res.end("fast")));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const drainable = drainableServer(server);
    const { port } = server.address() as AddressInfo;

    const inFlight = rawClient(port);
    inFlight.socket.write("GET /slow HTTP/1.1\r\nHost: test\r\n\r\n");
    const late = rawClient(port);
    await late.connected;
    late.socket.write("GET /fast HTTP/1.1\r\nHost: test\r\n"); // headers not finished yet
    while (!slow) await pause(10);
    expect(drainable.inFlight()).toBe(1);

    const drained = drainable.drain({ graceMs: 5_000 });
    await pause(50);
    late.socket.write("\r\n");
    const refusedAnswer = await late.closed;
    const fresh = rawClient(port);
    const freshError = await new Promise<string>((resolve) => fresh.socket.once("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? "")));
    slow!.end("slow");

    expect(refusedAnswer).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
    expect(refusedAnswer).toContain("Connection: close\r\n");
    expect(refusedAnswer).toContain("Retry-After: 1\r\n");
    expect(refusedAnswer).toContain('{"detail":"The server is shutting down; retry on another instance"}');
    expect(freshError).toBe("ECONNREFUSED");
    const answered = await inFlight.closed;
    expect(answered).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answered).toContain("Connection: close\r\n");
    expect(answered.endsWith("\r\n\r\nslow")).toBe(true);
    expect(await drained).toEqual({ inFlightAtStart: 1, abandoned: 0, refused: 1 });
  });

  it("closes what is still running when the grace runs out", async () => {
    const server = createServer(() => undefined); // never answers
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const drainable = drainableServer(server);
    const client = rawClient((server.address() as AddressInfo).port);
    client.socket.write("GET / HTTP/1.1\r\nHost: test\r\n\r\n");
    while (drainable.inFlight() === 0) await pause(10);
    const start = Date.now();
    expect(await drainable.drain({ graceMs: 300 })).toEqual({ inFlightAtStart: 1, abandoned: 1, refused: 0 });
    expect(Date.now() - start).toBeGreaterThanOrEqual(290);
    expect(await client.closed).toBe("");
  });
});

describe("start-up helpers", () => {
  it("waitForDatabase retries once per interval, reports each failure, and gives up with the last error", async () => {
    let calls = 0;
    const retries: string[] = [];
    const attempts = await waitForDatabase(
      async () => {
        if (++calls < 3) throw new Error(`down ${calls}`);
      },
      { timeoutSeconds: 5, intervalMs: 10, onRetry: (attempt, error) => retries.push(`${attempt}: ${(error as Error).message}`) },
    );
    expect([attempts, retries]).toEqual([3, ["1: down 1", "2: down 2"]]);
    await expect(
      waitForDatabase(() => Promise.reject(new Error("never")), { timeoutSeconds: 0, onRetry: () => retries.push("unexpected") }),
    ).rejects.toThrow("never");
    expect(retries).toHaveLength(2);
  });

  it("durabilityWarnings names each setting that is off, and nothing when all are on", () => {
    expect(durabilityWarnings({ fsync: "on", synchronous_commit: "on", full_page_writes: "on" })).toEqual([]);
    expect(durabilityWarnings({ fsync: "on", synchronous_commit: "local", full_page_writes: "on" })).toEqual([]);
    expect(durabilityWarnings({ fsync: "off", synchronous_commit: "off", full_page_writes: "off" }).map((w) => w.split(":")[0])).toEqual([
      "fsync=off",
      "full_page_writes=off",
      "synchronous_commit=off",
    ]);
  });
});
