import { randomBytes } from "node:crypto";
import { FileTemplates } from "../../src/adapters/file-templates.js";
import type { DispatchDeps } from "../../src/app/dispatch-outbox.js";
import type { InboundDeps } from "../../src/app/process-inbound-event.js";
import { companies } from "../../src/db/schema/index.js";
import { DrizzleOutboxStore } from "../../src/db/stores/outbox-store.js";
import { DrizzlePipelineStore } from "../../src/db/stores/pipeline-store.js";
import { FakeClock } from "../fakes/fake-clock.js";
import { FakeSmsSender } from "../fakes/fake-sms-sender.js";
import { FakeStaffNotifier } from "../fakes/fake-staff-notifier.js";
import { MemoryLogger } from "../fakes/silent-logger.js";
import { createTestDatabase, type TestDatabase } from "./test-database.js";

export interface PipelineHarness {
  database: TestDatabase;
  clock: FakeClock;
  sms: FakeSmsSender;
  notifier: FakeStaffNotifier;
  logger: MemoryLogger;
  inbound: InboundDeps;
  dispatch: DispatchDeps;
  close(): Promise<void>;
}

export async function createPipelineHarness(
  start = "2026-11-20T15:00:00Z",
): Promise<PipelineHarness> {
  const database = await createTestDatabase();
  const clock = new FakeClock(new Date(start));
  const sms = new FakeSmsSender(() => clock.now());
  const notifier = new FakeStaffNotifier();
  const logger = new MemoryLogger();
  return {
    database,
    clock,
    sms,
    notifier,
    logger,
    inbound: { store: new DrizzlePipelineStore(database.db), clock, logger, maxAttempts: 3 },
    dispatch: {
      outbox: new DrizzleOutboxStore(database.db),
      sms,
      notifier,
      templates: new FileTemplates(),
      clock,
      logger,
      maxAttempts: 3,
      sendingLeaseMs: 60_000,
    },
    close: () => database.close(),
  };
}

export async function createCompany(
  database: TestDatabase,
  name = "Acme Plumbing",
): Promise<string> {
  const [row] = await database.db
    .insert(companies)
    .values({ name, timeZone: "America/Chicago" })
    .returning({ id: companies.id });
  if (!row) {
    throw new Error("company not created");
  }
  return row.id;
}

/** A random US number in the 555-01xx fictional range, unique per call. */
export function testPhone(): string {
  const digits = randomBytes(4).readUInt32BE(0) % 10_000_000;
  return `+1512${String(digits).padStart(7, "0")}`;
}

export function smsEvent(
  text: string,
  intent: string,
  at: string,
  extra: Record<string, unknown> = {},
) {
  return { type: "sms.received", at, text, intent, language: "en", ...extra };
}
