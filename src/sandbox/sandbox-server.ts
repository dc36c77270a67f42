import Fastify, { type FastifyInstance } from "fastify";
import type { Logger } from "../app/ports.js";
import { localDateOf } from "../domain/calendar.js";
import { AppError } from "../domain/errors.js";
import { errorHandler, statusForCode } from "../http/error-handler.js";
import { consolePage } from "./console-page.js";
import { type ControlApiDeps, controlApiRoutes } from "./control-api.js";
import { demoCompany } from "./demo-company.js";
import type { EmulatorOptions } from "./emulator.js";
import { QuickBooksEmulator } from "./emulators/quickbooks/quickbooks-emulator.js";
import { SlackEmulator } from "./emulators/slack/slack-emulator.js";
import { StripeEmulator } from "./emulators/stripe/stripe-emulator.js";
import { TwilioEmulator } from "./emulators/twilio/twilio-emulator.js";
import type { SandboxClock } from "./sandbox-clock.js";

// The sandbox: every provider emulated on a second port, the control API that drives them,
// and the console where a person plays the customers, the payer and the staff.

/** Development credentials shared by the emulators and the adapters that talk to them. */
export const SANDBOX_CREDENTIALS = {
  twilio: {
    accountSid: "ACd0e7e47a5b0c4d2e8f9a1b2c3d4e5f60",
    authToken: "sandbox-twilio-auth-token",
    businessNumber: "+15125550199",
  },
  stripe: { secretKey: "sk_test_duetext_sandbox", webhookSecret: "whsec_duetext_sandbox_secret" },
  slack: {
    botToken: "xoxb-duetext-sandbox",
    signingSecret: "duetext-sandbox-slack-signing-secret",
    teamId: "T0DUETEXT1",
    channelId: "C0COLLECT01",
  },
  quickbooks: {
    clientId: "duetext-sandbox-client",
    clientSecret: "duetext-sandbox-client-secret",
    webhookVerifierToken: "duetext-sandbox-verifier-token",
    realmId: "9341453000000000",
  },
} as const;

export interface SandboxEmulators {
  twilio: TwilioEmulator;
  stripe: StripeEmulator;
  slack: SlackEmulator;
  quickbooks: QuickBooksEmulator;
}

export interface Sandbox {
  url: string;
  emulators: SandboxEmulators;
  server: FastifyInstance;
  close(): Promise<void>;
}

export interface SandboxOptions {
  clock: SandboxClock;
  logger: Logger;
  /** Where emulators deliver webhooks: the app, on loopback. */
  appBaseUrl: string;
  host: string;
  port: number;
  /** Runs the app's workers until idle (the control API returns only after it). */
  settle(): Promise<unknown>;
  /** The app's next scheduled moment, where clock moves stop on their way. */
  nextWakeUp?(after: Date): Promise<Date | null>;
  seedDemo: boolean;
  /** Empties the app's side after the emulators were reset (and reseeded, if asked). */
  onReset?(seed: "demo" | null): Promise<void>;
  /**
   * The app's own sections of `GET /_sandbox/state`. The console shows a `threads` section,
   * `Array<{ phone: string; state: string }>` (E.164, thread state), on each phone.
   */
  stateSections?: ControlApiDeps["stateSections"];
}

export function createEmulators(options: EmulatorOptions): SandboxEmulators {
  const { twilio, stripe, slack, quickbooks } = SANDBOX_CREDENTIALS;
  return {
    twilio: new TwilioEmulator(options, {
      accountSid: twilio.accountSid,
      authToken: twilio.authToken,
      messagingNumbers: [twilio.businessNumber],
    }),
    stripe: new StripeEmulator(options, {
      secretKey: stripe.secretKey,
      webhookSecret: stripe.webhookSecret,
    }),
    slack: new SlackEmulator(options, {
      botToken: slack.botToken,
      signingSecret: slack.signingSecret,
      teamId: slack.teamId,
      channelId: slack.channelId,
    }),
    quickbooks: new QuickBooksEmulator(options, {
      clientId: quickbooks.clientId,
      clientSecret: quickbooks.clientSecret,
      webhookVerifierToken: quickbooks.webhookVerifierToken,
      realmId: quickbooks.realmId,
    }),
  };
}

/** Loads the demo company into the QuickBooks emulator; landlines are marked in Twilio's. */
export function seedDemoCompany(emulators: SandboxEmulators, clock: SandboxClock): void {
  const company = demoCompany(localDateOf(clock.now(), "America/Chicago"));
  const ids = new Map<string, string>();
  for (const customer of company.customers) {
    const { Id, ...fields } = customer;
    ids.set(Id, emulators.quickbooks.createCustomer(fields).Id);
  }
  for (const invoice of company.invoices) {
    const { Id: _demoId, CustomerRef, Balance: _balance, ...fields } = invoice;
    emulators.quickbooks.createInvoice({
      ...fields,
      CustomerRef: {
        value: ids.get(CustomerRef.value) ?? CustomerRef.value,
        name: CustomerRef.name,
      },
    });
  }
  for (const landline of company.landlines) {
    emulators.twilio.setFault(landline, "landline");
  }
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const server = Fastify({ logger: false });
  server.setErrorHandler(errorHandler);
  // The sandbox's Fastify logs nothing itself; a failure behind a control call must still
  // reach the app's log, or a 500 there says nothing about its cause.
  server.addHook("onError", async (request, _reply, error) => {
    const status =
      error instanceof AppError ? statusForCode(error.code) : (error.statusCode ?? 500);
    if (status >= 500) {
      options.logger.error(
        { url: request.url, err: error.message, stack: error.stack },
        "sandbox request failed",
      );
    }
  });
  let url = "";
  const emulators = createEmulators({
    clock: options.clock,
    logger: options.logger,
    appBaseUrl: options.appBaseUrl,
    selfBaseUrl: () => url,
  });
  for (const emulator of Object.values(emulators)) {
    await emulator.register(server);
  }
  await server.register(
    controlApiRoutes({
      clock: options.clock,
      settle: options.settle,
      ...(options.nextWakeUp ? { nextWakeUp: options.nextWakeUp } : {}),
      ...(options.stateSections ? { stateSections: options.stateSections } : {}),
      emulators,
      businessNumber: SANDBOX_CREDENTIALS.twilio.businessNumber,
      reset: async ({ seed }) => {
        emulators.twilio.reset();
        emulators.stripe.reset();
        emulators.slack.reset();
        emulators.quickbooks.reset();
        if (seed === "demo") {
          // No notice per record: the app wipes its side next and then imports everything
          // anyway; notices arriving mid-wipe would race it.
          emulators.quickbooks.quietly(() => seedDemoCompany(emulators, options.clock));
        }
        await emulators.quickbooks.idle();
        await options.onReset?.(seed);
      },
    }),
  );
  const business = demoCompany("2000-01-01");
  const page = consolePage({
    appUrl: options.appBaseUrl,
    businessName: business.companyName,
    timeZone: business.timeZone,
  });
  server.get("/", async (_request, reply) => reply.type("text/html; charset=utf-8").send(page));
  if (options.seedDemo) {
    seedDemoCompany(emulators, options.clock);
  }
  await server.listen({ host: options.host, port: options.port });
  const address = server.server.address();
  url = `http://${options.host}:${typeof address === "object" && address ? address.port : options.port}`;
  return { url, emulators, server, close: () => server.close() };
}
