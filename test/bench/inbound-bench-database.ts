import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import {
  type Database,
  type DatabaseHandle,
  postgresPreparedRunner,
  schema,
} from "../../src/db/client.js";
import { processCpuMs } from "./bench-cpu.js";
import { type EngineLabel, openBenchDatabase, postgresServerUrl } from "./reminder-bench-app.js";

// The benchmark's database (openBenchDatabase), seen from the wire and from the server. On
// PostgreSQL the app's pool is a postgres.js client whose sockets count the protocol messages
// they send: a statement is one Execute (or simple Query), a transaction one BEGIN, a round
// trip one Sync. (postgres.js's `debug` hook would count too, but it captures a stack trace
// per query, which costs the app more than the count is worth.) The CPU time of the server
// processes serving the database is read from /proc when the server runs on this machine.
// Neither exists for PGlite, which runs inside this process.

export interface SentStatements {
  statements: number;
  transactions: number;
  roundTrips: number;
}

export interface InboundBenchDatabase {
  handle: DatabaseHandle;
  /** What the pool has sent so far; null on PGlite. */
  sent(): SentStatements | null;
  /** CPU ms used so far by the server processes connected to this database; null if unknown. */
  serverCpuMs(): Promise<number | null>;
}

export async function openInboundBenchDatabase(engine: EngineLabel): Promise<InboundBenchDatabase> {
  const base = await openBenchDatabase(engine);
  if (base.target.kind !== "postgres") {
    return { handle: base, sent: () => null, serverCpuMs: async () => null };
  }
  const counted: SentStatements = { statements: 0, transactions: 0, roundTrips: 0 };
  const server = new URL(base.target.url);
  const options: postgres.Options<Record<string, postgres.PostgresType>> & {
    /** Supported by postgres.js (a connected socket per connection), not in its typings. */
    socket: () => Promise<Socket>;
  } = {
    max: 10,
    onnotice: () => {},
    socket: () => countingSocket(server.hostname, Number(server.port || 5432), counted),
  };
  const client = postgres(base.target.url, options);
  // The pool that migrated it stays open (idle) until close; the app uses the counting one.
  const monitor = postgres(base.target.url, { max: 1, onnotice: () => {} });
  let closing: Promise<void> | null = null;
  const handle: DatabaseHandle = {
    db: drizzle({ client, schema }) as unknown as Database,
    prepared: postgresPreparedRunner(client),
    target: base.target,
    kind: "postgres",
    close() {
      closing ??= (async () => {
        await client.end({ timeout: 5 });
        await monitor.end({ timeout: 1 });
        await base.close();
      })();
      return closing;
    },
  };
  return {
    handle,
    sent: () => ({ ...counted }),
    async serverCpuMs() {
      if (!serverIsLocal()) {
        return null;
      }
      const backends = await monitor<Array<{ pid: number }>>`
        select pid from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()`;
      let total = 0;
      for (const { pid } of backends) {
        const used = processCpuMs(pid);
        if (used === null) {
          return null;
        }
        total += used;
      }
      return total;
    },
  };
}

async function countingSocket(host: string, port: number, counted: SentStatements) {
  const socket = connect({ host, port });
  await once(socket, "connect");
  const write = socket.write;
  let startup = true;
  socket.write = function countingWrite(this: Socket, ...args: Parameters<Socket["write"]>) {
    const [chunk] = args;
    // The first message on a connection (StartupMessage) has no type byte to walk.
    if (startup) {
      startup = false;
    } else if (typeof chunk !== "string") {
      countMessages(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength), counted);
    }
    return write.apply(this, args);
  } as Socket["write"];
  return socket;
}

/** Walks the frontend messages in one write (postgres.js writes whole messages only). */
function countMessages(chunk: Buffer, counted: SentStatements): void {
  let at = 0;
  while (at + 5 <= chunk.length) {
    const type = String.fromCharCode(chunk[at] ?? 0);
    const length = chunk.readInt32BE(at + 1);
    if (type === "E" || type === "Q") {
      counted.statements += 1;
    }
    if (type === "S" || type === "Q") {
      counted.roundTrips += 1;
    }
    if ((type === "P" || type === "Q") && /^\s*begin\b/i.test(queryText(chunk, at, type))) {
      counted.transactions += 1;
    }
    at += 1 + length;
  }
}

/** The start of a Parse (after its statement name) or simple Query message's SQL. */
function queryText(chunk: Buffer, at: number, type: string): string {
  let start = at + 5;
  if (type === "P") {
    start = chunk.indexOf(0, start) + 1;
  }
  return chunk.toString("latin1", start, Math.min(chunk.length, start + 16));
}

/** Whether the server answering DATABASE_URL runs on this machine (its CPU is then readable). */
function serverIsLocal(): boolean {
  const host = new URL(postgresServerUrl()).hostname;
  return host === "127.0.0.1" || host === "localhost" || host === "::1" || host === "";
}
