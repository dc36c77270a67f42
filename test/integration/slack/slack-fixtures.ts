import Fastify, { type FastifyInstance } from "fastify";
import { SlackWebhookVerifier } from "../../../src/adapters/slack/slack-webhook-verifier.js";
import type { NewInboundEvent } from "../../../src/app/ports.js";
import { slackWebhookRoutes } from "../../../src/http/routes/webhooks-slack.js";
import { SlackEmulator } from "../../../src/sandbox/emulators/slack/slack-emulator.js";
import { FakeClock } from "../../fakes/fake-clock.js";
import { MemoryLogger } from "../../fakes/silent-logger.js";
import { startEmulator } from "../../helpers/start-emulator.js";

// Shared set-up for the Slack tests: one workspace's identifiers, a receiving app built with
// the real route plugin and verifier, and the emulator on its own loopback port.

export const SLACK = {
  botToken: "xoxb-sandbox-0000000000-duetext",
  signingSecret: "8f742231b10e8888abcd99yyyzzz85a5",
  teamId: "T0DUETEXT1",
  channelId: "C0COLLECT01",
} as const;

export type Received = Omit<NewInboundEvent, "receivedAt">;

export async function startReceiver(
  clock: FakeClock,
  signingSecret: string = SLACK.signingSecret,
): Promise<{
  app: FastifyInstance;
  baseUrl: string;
  received: Received[];
  logger: MemoryLogger;
}> {
  const received: Received[] = [];
  const logger = new MemoryLogger();
  const app = Fastify({ logger: false });
  await app.register(
    slackWebhookRoutes({
      verifier: new SlackWebhookVerifier({ signingSecret }),
      receive: async (event) => {
        received.push(event);
        return { duplicate: false };
      },
      publicBaseUrl: "http://127.0.0.1",
      clock,
      logger,
    }),
  );
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { app, baseUrl: `http://127.0.0.1:${port}`, received, logger };
}

export async function startSlackEmulator(clock: FakeClock, appBaseUrl = "http://127.0.0.1:9") {
  const logger = new MemoryLogger();
  const started = await startEmulator(
    (selfBaseUrl) => new SlackEmulator({ clock, logger, appBaseUrl, selfBaseUrl }, { ...SLACK }),
  );
  return { ...started, logger, apiUrl: `${started.baseUrl}/api/` };
}

export function fixedClock(): FakeClock {
  return new FakeClock(new Date("2026-11-21T15:00:00Z"));
}
