import { sql } from "drizzle-orm";
import Fastify from "fastify";
import type { Database } from "../../src/db/client.js";
import { rowsOf } from "./reminder-bench-app.js";

// The floor the inbound webhook is compared with: a bare Fastify route on the same database
// (same driver, same pool) doing the least an inbound reply must do in SQL: in one
// transaction, insert the message under its unique MessageSid and update its sender's one
// row. No signature check, no classification, no thread machine. Its tables are scratch
// tables of the benchmark's own, dropped when it stops.

const FORM = "application/x-www-form-urlencoded";
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

export interface BareInboundServer {
  /** The route's URL (`…/webhooks/twilio/sms`, as the app's). */
  url: string;
  /** Rows the route inserted (one per distinct MessageSid it was sent). */
  storedMessages(): Promise<number>;
  stop(): Promise<void>;
}

export async function startBareInboundServer(
  db: Database,
  phones: string[],
): Promise<BareInboundServer> {
  await db.execute(sql`drop table if exists bench_bare_messages, bench_bare_senders`);
  await db.execute(sql`
    create table bench_bare_messages (
      message_sid text primary key,
      sender text not null,
      body text not null,
      received_at timestamptz not null default now()
    )`);
  await db.execute(sql`
    create table bench_bare_senders (
      phone text primary key,
      replies integer not null default 0,
      last_reply_at timestamptz
    )`);
  await db.execute(sql`
    insert into bench_bare_senders (phone)
    select jsonb_array_elements_text(${JSON.stringify(phones)}::jsonb)`);

  const app = Fastify({ logger: false });
  app.addContentTypeParser(FORM, { parseAs: "buffer" }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams((body as Buffer).toString("utf8"))));
  });
  app.post("/webhooks/twilio/sms", async (request, reply) => {
    const form = request.body as Record<string, string | undefined>;
    const sid = form.MessageSid;
    const from = form.From;
    if (!sid || !from) {
      return reply.status(400).send({ error: "VALIDATION_FAILED" });
    }
    await db.transaction(async (tx) => {
      await tx.execute(sql`
        insert into bench_bare_messages (message_sid, sender, body)
        values (${sid}, ${from}, ${form.Body ?? ""})
        on conflict (message_sid) do nothing`);
      await tx.execute(sql`
        update bench_bare_senders set replies = replies + 1, last_reply_at = now()
        where phone = ${from}`);
    });
    return reply.status(200).header("content-type", "text/xml").send(EMPTY_TWIML);
  });
  const address = await app.listen({ host: "127.0.0.1", port: 0 });

  return {
    url: `${address}/webhooks/twilio/sms`,
    async storedMessages() {
      const [row] = rowsOf(
        await db.execute(sql`select count(*)::int as n from bench_bare_messages`),
      );
      return Number(row?.n ?? 0);
    },
    async stop() {
      await app.close();
      await db.execute(sql`drop table if exists bench_bare_messages, bench_bare_senders`);
    },
  };
}
