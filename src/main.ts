import { createHmac, randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import closeWithGrace from "close-with-grace";
import type { Logger as PinoLogger } from "pino";
import { FileTemplates } from "./adapters/file-templates.js";
import { createLogger } from "./adapters/logger.js";
import { QuickBooksAccounting } from "./adapters/quickbooks/quickbooks-accounting.js";
import { QuickBooksApi } from "./adapters/quickbooks/quickbooks-api.js";
import { QuickBooksConnections } from "./adapters/quickbooks/quickbooks-connections.js";
import { QuickBooksImportReader } from "./adapters/quickbooks/quickbooks-import-source.js";
import { QuickBooksOAuth } from "./adapters/quickbooks/quickbooks-oauth.js";
import { QuickBooksWebhookVerifier } from "./adapters/quickbooks/quickbooks-webhook-verifier.js";
import { TokenCipher } from "./adapters/quickbooks/token-cipher.js";
import { SlackStaffNotifier } from "./adapters/slack/slack-staff-notifier.js";
import { SlackWebhookVerifier } from "./adapters/slack/slack-webhook-verifier.js";
import { type StripeApiBase, StripePayments } from "./adapters/stripe/stripe-payments.js";
import { StripeWebhookVerifier } from "./adapters/stripe/stripe-webhook-verifier.js";
import { systemClock } from "./adapters/system-clock.js";
import { TwilioLineTypeLookup } from "./adapters/twilio/twilio-line-type-lookup.js";
import { TwilioSmsSender } from "./adapters/twilio/twilio-sms-sender.js";
import { TwilioWebhookVerifier } from "./adapters/twilio/twilio-webhook-verifier.js";
import { type CatchUpSummary, catchUpStripePayments } from "./app/catch-up-stripe-payments.js";
import { CoalescingRunner } from "./app/coalescing-runner.js";
import type { DispatchDeps } from "./app/dispatch-outbox.js";
import {
  type DeliveryDeps,
  deliveryStatusHandler,
  reactToDeliveryError,
} from "./app/handle-delivery-status.js";
import {
  type IssueCopyLinkInput,
  type IssuedCopyLink,
  issueCopyLink,
} from "./app/invoice-copies.js";
import type { InvoiceDocuments } from "./app/invoice-copy-port.js";
import type { LineTypeLookup } from "./app/line-type-lookup-port.js";
import {
  type IssuedPayLink,
  type IssuePayLinkDeps,
  type IssuePayLinkInput,
  issuePayLink,
} from "./app/pay-links.js";
import type { PaymentEvents } from "./app/payment-events-port.js";
import type { Accounting, Clock, Logger, Payments, SmsSender, StaffNotifier } from "./app/ports.js";
import { type InboundDeps, receiveInboundEvent } from "./app/process-inbound-event.js";
import type { QuickBooksConnector } from "./app/quickbooks-connect-port.js";
import { importFromQuickBooks } from "./app/quickbooks-import.js";
import { runQuickBooksSyncPass, syncQuickBooksCompany } from "./app/quickbooks-sync-pass.js";
import { quickbooksRealmOf } from "./app/quickbooks-webhook-event.js";
import { acceptCustomerText, receiveCustomerText } from "./app/receive-customer-text.js";
import { reconcileStripeEvent } from "./app/reconcile-stripe-event.js";
import { SendThrottle } from "./app/send-throttle.js";
import { slackActionHandler } from "./app/slack-actions.js";
import type { WebhookVerifier } from "./app/webhook-verifier-port.js";
import { type Config, ConfigError, loadConfig, realProviders } from "./config.js";
import { type DatabaseHandle, databaseTarget, openDatabase } from "./db/client.js";
import { databaseHealth } from "./db/health.js";
import { runMigrations } from "./db/migrate.js";
import { DrizzleCompanyStore } from "./db/stores/company-store.js";
import { DrizzleCopyLinkStore } from "./db/stores/copy-link-store.js";
import { DrizzleCustomerTextStore } from "./db/stores/customer-text-store.js";
import { DrizzleDeliveryStore } from "./db/stores/delivery-store.js";
import { PreparedFreshCustomerTextStore } from "./db/stores/fresh-customer-text-store.js";
import { DrizzleOutboxStore } from "./db/stores/outbox-store.js";
import { DrizzlePayLinkStore } from "./db/stores/pay-link-store.js";
import { DrizzlePaymentStore } from "./db/stores/payment-store.js";
import { DrizzlePipelineStore } from "./db/stores/pipeline-store.js";
import { DrizzleProviderConnectionStore } from "./db/stores/provider-connection-store.js";
import { DrizzleStripeCursorStore } from "./db/stores/provider-cursor-store.js";
import { DrizzleQuickBooksImportStore } from "./db/stores/quickbooks-import-store.js";
import { DrizzleReminderStore } from "./db/stores/reminder-store.js";
import { DrizzleReviewStore } from "./db/stores/review-store.js";
import { DrizzleStaffNoticeStore } from "./db/stores/staff-notice-store.js";
import { DrizzleWakeUpStore } from "./db/stores/wake-up-store.js";
import { AppError } from "./domain/errors.js";
import { buildApp } from "./http/build-app.js";
import { adminApiRoutes } from "./http/routes/admin-api.js";
import { connectQuickBooksRoutes } from "./http/routes/connect-quickbooks.js";
import { copyLinkRoutes } from "./http/routes/copy-links.js";
import { loopbackOnlyUnless } from "./http/routes/loopback-only.js";
import { payLinkRoutes } from "./http/routes/pay-links.js";
import { quickbooksWebhookRoutes } from "./http/routes/webhooks-quickbooks.js";
import { slackWebhookRoutes } from "./http/routes/webhooks-slack.js";
import { stripeWebhookRoutes } from "./http/routes/webhooks-stripe.js";
import { twilioWebhookRoutes } from "./http/routes/webhooks-twilio.js";
import { demoCompany } from "./sandbox/demo-company.js";
import { SandboxClock } from "./sandbox/sandbox-clock.js";
import { SANDBOX_CREDENTIALS, type Sandbox, startSandbox } from "./sandbox/sandbox-server.js";
import { settle } from "./sandbox/settle.js";
import {
  dispatcherPass,
  schedulerPass,
  startWorkers,
  type WorkerDeps,
} from "./workers/start-workers.js";

// The only composition root. Each provider is real when its credentials are configured and
// otherwise emulated in the sandbox; the app reaches both through the same SDK adapters.

export interface RunningDuetext {
  appUrl: string;
  sandbox: Sandbox | null;
  quickbooks: QuickBooksServices;
  /** Pay links and the Stripe catch-up, for the dispatcher and the scheduler pass. */
  payments: PaymentServices;
  clock: Clock;
  stop(): Promise<void>;
}

export interface StartOverrides {
  /** An already open (and migrated or not) database, e.g. a test's own. */
  database?: DatabaseHandle;
  logger?: PinoLogger;
}

/** Builds and starts everything: database, HTTP app, sandbox (when providers are emulated), workers. */
export async function startDuetext(
  config: Config,
  overrides: StartOverrides = {},
): Promise<RunningDuetext> {
  const logger =
    overrides.logger ?? createLogger({ level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });
  const real = realProviders(config);
  const sandboxed = !(real.quickbooks && real.stripe && real.twilio && real.slack);
  // Only a pure sandbox may stand still or listen beyond loopback: once any provider is real,
  // real customers depend on timers coming due and the control API must stay private.
  const fullSandbox = !(real.quickbooks || real.stripe || real.twilio || real.slack);
  const clock: Clock = sandboxed
    ? new SandboxClock(config.SANDBOX_START_AT ? new Date(config.SANDBOX_START_AT) : new Date(), {
        frozen: fullSandbox && config.SANDBOX_CLOCK === "frozen",
      })
    : systemClock;

  const target = databaseTarget(config);
  const handle = overrides.database ?? (await openDatabase(target));
  await runMigrations(handle);
  logger.info(
    {
      database: handle.kind,
      location: handle.target.kind === "pglite" ? handle.target.dataDir : "DATABASE_URL",
    },
    "database ready",
  );

  const connectionStore = new DrizzleProviderConnectionStore(handle.db);
  // Stripe: the real API, or the sandbox's emulator once it listens (its address is known
  // only then); pay pages and reconciliation reach either through this late-bound client.
  let stripe: StripePayments | null = real.stripe
    ? new StripePayments({ secretKey: config.STRIPE_SECRET_KEY ?? "" })
    : null;
  const stripeApi = lateStripe(() => stripe);
  // One per process (see send-throttle.ts): the dispatcher takes from it, 30022 slows it.
  const sendThrottle = new SendThrottle({
    messagesPerSecond: config.TWILIO_MESSAGES_PER_SECOND,
    dailySegmentCap: config.TWILIO_DAILY_SEGMENT_CAP,
  });
  // Reactions to Twilio's delivery errors, from status callbacks and from refused sends.
  const delivery: DeliveryDeps = {
    store: new DrizzleDeliveryStore(handle.db),
    submit: (event) => receiveInboundEvent(inbound, event),
    throttle: sendThrottle,
    logger,
  };
  const inbound: InboundDeps = {
    store: new DrizzlePipelineStore(handle.db),
    clock,
    logger,
    maxAttempts: config.INBOUND_MAX_ATTEMPTS,
    handlers: {
      // Twilio's report on one of our texts: the message row and the §4 reactions.
      "twilio.status": deliveryStatusHandler({ ...delivery, clock }),
      "twilio.sms": receiveCustomerText({
        store: new DrizzleCustomerTextStore(handle.db),
        submit: (event) => receiveInboundEvent(inbound, event),
        clock,
        logger,
      }),
      // A click on an escalation's button: the staff event it stands for, on its thread.
      "slack.action": slackActionHandler({
        threads: new DrizzleStaffNoticeStore(handle.db),
        submit: (event) => receiveInboundEvent(inbound, event),
        clock,
      }),
      // A QuickBooks change notice carries ids only: re-read that company's changes.
      "quickbooks.event": async (payload) => {
        await quickbooksAvailable;
        const realm = quickbooksRealmOf(payload);
        const connection = realm
          ? await connectionStore.findByExternalAccount("quickbooks", realm)
          : null;
        if (connection?.status !== "connected") {
          return {
            rejected: `No company is connected to QuickBooks company ${realm ?? "(none named)"}`,
          };
        }
        await quickbooksSyncs.trigger(connection.companyId);
        return undefined;
      },
      // A Stripe event (webhook or catch-up): re-read the payment, post it to QuickBooks,
      // tell the thread.
      "stripe.event": async (payload) => {
        await quickbooksAvailable;
        return reconcileStripe(payload);
      },
    },
  };
  // A customer's text: stored and applied in two statements when its thread exists.
  const acceptText = acceptCustomerText({
    store: new PreparedFreshCustomerTextStore(handle.prepared),
    receive: (event) => receiveInboundEvent(inbound, event),
    clock,
    logger,
  });
  const reconcileStripe = reconcileStripeEvent({
    payments: new DrizzlePaymentStore(handle.db),
    paymentEvents: stripeApi,
    accounting: lateAccounting(() => services().accounting),
    submit: (event) => receiveInboundEvent(inbound, event),
    clock,
    logger,
  });
  const catchUpStripe = () =>
    catchUpStripePayments({
      events: stripeApi,
      cursors: new DrizzleStripeCursorStore(handle.db),
      receive: (event) => receiveInboundEvent(inbound, event),
      clock,
      logger,
    });
  const quickbooksSyncs = new CoalescingRunner((companyId) =>
    syncQuickBooksCompany(
      { connections: connectionStore, sync: quickbooksSyncDeps(), clock, logger },
      companyId,
    ),
  );
  const quickbooksSyncDeps = () => ({
    source: services().reader,
    store: services().importStore,
    logger,
    now: () => clock.now(),
  });
  // Emulated providers call the app on loopback and sign what they call; real ones sign
  // PUBLIC_BASE_URL.
  const loopbackHost = config.HOST === "0.0.0.0" ? "127.0.0.1" : config.HOST;
  // Known once the app listens (PORT may be 0); routes read it per request.
  let loopbackUrl = `http://${loopbackHost}:${config.PORT}`;
  const webhookRoutes = (provider: keyof typeof real, verifier: WebhookVerifier) => ({
    verifier,
    receive: (event: Parameters<typeof receiveInboundEvent>[1]) =>
      event.type === "twilio.sms" ? acceptText(event) : receiveInboundEvent(inbound, event),
    get publicBaseUrl() {
      return real[provider] ? config.PUBLIC_BASE_URL : loopbackUrl;
    },
    clock,
    logger,
  });
  const secrets = webhookSecrets(config);
  const companies = new DrizzleCompanyStore(handle.db);
  // QuickBooks services need the sandbox's address, known only after it listens; the connect
  // pages reach them through this late-bound connector.
  let quickbooks: QuickBooksServices | null = null;
  let quickbooksReady: (services: QuickBooksServices) => void = () => {};
  // Webhooks may arrive in the moments between listening and building these; they wait.
  const quickbooksAvailable = new Promise<QuickBooksServices>((resolve) => {
    quickbooksReady = resolve;
  });
  const services = () => {
    if (!quickbooks) {
      throw new Error("QuickBooks services are not ready yet");
    }
    return quickbooks;
  };
  const connector: QuickBooksConnector = {
    companyExists: (companyId) => companies.exists(companyId),
    authorizeUrl: (state) => services().connections.authorizeUrl(state),
    connect: (companyId, callbackUrl) => services().connections.connect(companyId, callbackUrl),
    startImport: (companyId) => {
      const { reader, importStore } = services();
      importFromQuickBooks({ source: reader, store: importStore, logger }, companyId, (progress) =>
        logger.info({ companyId, ...progress }, "QuickBooks import progress"),
      ).then(
        (summary) => logger.info({ companyId, ...summary }, "QuickBooks import finished"),
        (error: unknown) =>
          logger.error(
            { companyId, err: error instanceof Error ? error.message : String(error) },
            "QuickBooks import failed",
          ),
      );
    },
  };
  const payLinks: IssuePayLinkDeps = {
    store: new DrizzlePayLinkStore(handle.db),
    tokenKey: await payLinkTokenKey(config, real, logger),
    // Links travel in texts: real phones get PUBLIC_BASE_URL, the sandbox's phones the app on
    // loopback.
    get publicBaseUrl() {
      return real.twilio ? config.PUBLIC_BASE_URL : loopbackUrl;
    },
  };
  // COPY replies' `/i/:token` links: pay_links rows of their own purpose, same key and base URL.
  const copyLinkStore = new DrizzleCopyLinkStore(handle.db);
  const app = await buildApp(
    {
      health: async () => {
        const report = await databaseHealth(handle);
        return report.ok
          ? {
              ...report,
              connections: await new DrizzleProviderConnectionStore(handle.db).countByStatus(),
            }
          : report;
      },
      routes: [
        loopbackOnlyUnless(
          real.twilio,
          twilioWebhookRoutes(
            webhookRoutes(
              "twilio",
              new TwilioWebhookVerifier({ authToken: secrets.twilioAuthToken }),
            ),
          ),
        ),
        loopbackOnlyUnless(
          real.stripe,
          stripeWebhookRoutes(
            webhookRoutes(
              "stripe",
              new StripeWebhookVerifier({ webhookSecret: secrets.stripeWebhookSecret }),
            ),
          ),
        ),
        loopbackOnlyUnless(
          real.slack,
          slackWebhookRoutes(
            webhookRoutes(
              "slack",
              new SlackWebhookVerifier({ signingSecret: secrets.slackSigningSecret }),
            ),
          ),
        ),
        loopbackOnlyUnless(
          real.quickbooks,
          quickbooksWebhookRoutes(
            webhookRoutes(
              "quickbooks",
              new QuickBooksWebhookVerifier(secrets.quickbooksVerifierToken),
            ),
          ),
        ),
        connectQuickBooksRoutes({
          connector,
          stateKey: connectStateKey(config),
          now: () => clock.now(),
          get publicBaseUrl() {
            return real.quickbooks ? config.PUBLIC_BASE_URL : loopbackUrl;
          },
          logger,
        }),
        payLinkRoutes({
          store: payLinks.store,
          accounting: lateAccounting(() => services().accounting),
          payments: stripeApi,
          paymentEvents: stripeApi,
          get publicBaseUrl() {
            return payLinks.publicBaseUrl;
          },
          now: () => clock.now(),
          rateLimitPerMinute: config.PAY_PAGE_RATE_LIMIT_PER_MINUTE,
          logger,
        }),
        copyLinkRoutes({
          store: copyLinkStore,
          documents: lateDocuments(() => services().accounting),
          // The page's Pay link, seeded by the copy link: the same one on every visit.
          payLinks: {
            issue: (input) => issuePayLink(payLinks, { ...input, purpose: "pay" }),
          },
          now: () => clock.now(),
          rateLimitPerMinute: config.PAY_PAGE_RATE_LIMIT_PER_MINUTE,
          logger,
        }),
        adminApiRoutes({
          review: new DrizzleReviewStore(handle.db),
          token: config.ADMIN_API_TOKEN ?? null,
          now: () => clock.now(),
        }),
      ],
    },
    { logger },
  );
  await app.listen({ host: config.HOST, port: config.PORT });
  const address = app.server.address();
  loopbackUrl = `http://${loopbackHost}:${typeof address === "object" && address ? address.port : config.PORT}`;

  let workerDeps: WorkerDeps | null = null;
  const wakeUps = new DrizzleWakeUpStore(handle.db);
  const sandbox: Sandbox | null =
    clock instanceof SandboxClock
      ? await startSandbox({
          clock,
          logger,
          appBaseUrl: loopbackUrl,
          host: fullSandbox ? config.HOST : "127.0.0.1",
          port: config.SANDBOX_PORT,
          seedDemo: true,
          nextWakeUp: (after) => wakeUps.next(after),
          // The console shows which state each customer's thread is in.
          stateSections: { threads: () => companies.threadStates() },
          onReset: async () => {
            // The QuickBooks connection goes with the data; the company reconnects and imports
            // whatever the emulator now holds (the demo company, or nothing).
            const companyId = await companies.findOrCreate(DEMO.companyName, DEMO.timeZone);
            // A sync still writing customers or invoices would race the wipe (on PostgreSQL a
            // foreign key then refuses it): let running syncs finish first.
            await quickbooksSyncs.idle();
            await companies.resetCompanyData(companyId);
            await connectSandboxCompany(companies, services(), logger);
          },
          settle: () =>
            settle({
              emulators: sandboxEmulators(),
              passes: workerDeps
                ? [
                    () => schedulerPass(workerDeps as WorkerDeps),
                    () => dispatcherPass(workerDeps as WorkerDeps),
                  ]
                : [],
            }),
        })
      : null;
  if (!stripe && sandbox) {
    stripe = new StripePayments({
      secretKey: SANDBOX_CREDENTIALS.stripe.secretKey,
      apiBase: loopbackApiBase(sandbox.url),
    });
  }
  function sandboxEmulators() {
    return sandbox ? Object.values(sandbox.emulators) : [];
  }

  quickbooks = await quickbooksServices(config, handle, clock, logger, {
    sandboxUrl: real.quickbooks ? null : (sandbox?.url ?? null),
    redirectBaseUrl: real.quickbooks ? config.PUBLIC_BASE_URL : loopbackUrl,
  });
  if (sandbox && !real.quickbooks) {
    // Connect before webhooks are handled: the seeding's notices then find the fresh
    // connection and fold into one sync instead of spending the previous run's dead tokens.
    await connectSandboxCompany(companies, quickbooks, logger);
  }
  quickbooksReady(quickbooks);

  // The dispatcher's `copyLinks` dep: fills `{{copyLink}}` in a COPY reply, seeded by its outbox row.
  const copyLinks = {
    issue: (input: IssueCopyLinkInput): Promise<IssuedCopyLink> =>
      issueCopyLink(
        {
          store: copyLinkStore,
          tokenKey: payLinks.tokenKey,
          get publicBaseUrl() {
            return payLinks.publicBaseUrl;
          },
        },
        input,
      ),
  };
  const dispatch: DispatchDeps = {
    outbox: new DrizzleOutboxStore(handle.db),
    sms: smsSender(config, real.twilio, sandbox, loopbackUrl),
    notifier: staffNotifier(config, real.slack, sandbox, logger),
    noticeFacts: new DrizzleStaffNoticeStore(handle.db),
    templates: new FileTemplates(),
    lineTypes: lineTypeLookup(config, real.twilio, sandbox),
    copyLinks,
    onDeliveryError: (report) => reactToDeliveryError(delivery, report),
    // A frozen sandbox clock never refills a bucket: the emulator is not rate-limited.
    throttle: real.twilio ? sendThrottle : null,
    payLinks: {
      issue: ({ installment, ...input }) =>
        issuePayLink(
          payLinks,
          installment
            ? {
                ...input,
                purpose: "installment",
                amountMinor: installment.amountMinor,
                installmentNumber: installment.number,
              }
            : { ...input, purpose: "pay" },
        ),
    },
    clock,
    logger,
    maxAttempts: config.OUTBOX_MAX_ATTEMPTS,
    sendingLeaseMs: config.OUTBOX_SENDING_LEASE_MS,
  };
  workerDeps = {
    inbound,
    dispatch,
    reminders: {
      reminders: new DrizzleReminderStore(handle.db),
      pipeline: inbound.store,
      accounting: quickbooks.accounting,
      catchUpPayments: catchUpStripe,
      clock,
      logger,
      batchSize: config.REMINDER_BATCH_SIZE,
      leaseMs: config.OUTBOX_SENDING_LEASE_MS,
      arming: { watermark: null },
    },
    schedulerIntervalMs: config.SCHEDULER_INTERVAL_MS,
    dispatcherIntervalMs: config.DISPATCHER_INTERVAL_MS,
    batchSize: config.WORKER_BATCH_SIZE,
    quickbooksSync: {
      intervalMs: config.QUICKBOOKS_SYNC_INTERVAL_MS,
      run: () =>
        runQuickBooksSyncPass({
          connections: connectionStore,
          sync: quickbooksSyncDeps(),
          heartbeat: (companyId) => services().connections.heartbeat(companyId),
          clock,
          logger,
        }),
    },
  };
  const workers = config.WORKERS_ENABLED ? startWorkers(workerDeps) : null;

  return {
    appUrl: loopbackUrl,
    sandbox,
    quickbooks,
    payments: {
      payLinks,
      issuePayLink: (input) => issuePayLink(payLinks, input),
      issueCopyLink: copyLinks.issue,
      catchUp: catchUpStripe,
    },
    clock,
    async stop() {
      // Emulators first: they are the clients of the app's webhook routes.
      await sandbox?.close();
      await app.close();
      await workers?.stop();
      await handle.close();
    },
  };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });
  const running = await startDuetext(config, { logger });
  closeWithGrace({ delay: config.SHUTDOWN_GRACE_MS }, async ({ err, signal }) => {
    if (err) {
      logger.error({ err }, "shutting down after an error");
    } else {
      logger.info({ signal }, "shutting down");
    }
    await running.stop();
  });
  const real = realProviders(config);
  const { appUrl, sandbox } = running;
  const emulated = (Object.keys(real) as Array<keyof typeof real>).filter((name) => !real[name]);
  process.stdout.write(
    [
      "",
      "duetext is running",
      `  app:      ${appUrl}   (health: ${appUrl}/healthz)`,
      ...(sandbox
        ? [
            `  sandbox:  ${sandbox.url}   (console; control API under /_sandbox)`,
            `  emulated: ${emulated.join(", ")} — set their credentials (see .env.example) to use the real services`,
          ]
        : []),
      "",
      "",
    ].join("\n"),
  );
}

export interface QuickBooksServices {
  connections: QuickBooksConnections;
  accounting: QuickBooksAccounting;
  reader: QuickBooksImportReader;
  importStore: DrizzleQuickBooksImportStore;
}

/**
 * One QuickBooks API client per process (it holds the per-realm limits), over the real
 * Intuit hosts or the sandbox emulator.
 */
export async function quickbooksServices(
  config: Config,
  handle: DatabaseHandle,
  clock: Clock,
  logger: Logger,
  where: { sandboxUrl: string | null; redirectBaseUrl: string },
): Promise<QuickBooksServices> {
  const emulated = where.sandboxUrl !== null;
  const credentials = emulated
    ? {
        clientId: SANDBOX_CREDENTIALS.quickbooks.clientId,
        clientSecret: SANDBOX_CREDENTIALS.quickbooks.clientSecret,
      }
    : {
        clientId: config.QUICKBOOKS_CLIENT_ID ?? "",
        clientSecret: config.QUICKBOOKS_CLIENT_SECRET ?? "",
      };
  const environment = emulated ? "sandbox" : config.QUICKBOOKS_ENVIRONMENT;
  const oauth = new QuickBooksOAuth({
    ...credentials,
    redirectUri: `${where.redirectBaseUrl}/connect/quickbooks/callback`,
    environment,
    oauthBaseUrl: where.sandboxUrl ?? undefined,
  });
  const connections = new QuickBooksConnections({
    store: new DrizzleProviderConnectionStore(handle.db),
    cipher: new TokenCipher(await tokenEncryptionKey(config, emulated, logger)),
    oauth,
    clock,
    logger,
  });
  const api = new QuickBooksApi({
    ...credentials,
    environment,
    apiBaseUrl: where.sandboxUrl ?? undefined,
    tokens: connections,
    logger,
  });
  return {
    connections,
    accounting: new QuickBooksAccounting(api),
    reader: new QuickBooksImportReader(api),
    importStore: new DrizzleQuickBooksImportStore(handle.db),
  };
}

/**
 * TOKEN_ENCRYPTION_KEY, or in the sandbox a development key kept under DATA_DIR so stored
 * tokens survive restarts. Real QuickBooks tokens are never encrypted with a generated key.
 */
async function tokenEncryptionKey(
  config: Config,
  emulated: boolean,
  logger: Logger,
): Promise<Uint8Array> {
  if (config.TOKEN_ENCRYPTION_KEY) {
    return Buffer.from(config.TOKEN_ENCRYPTION_KEY, "base64");
  }
  if (!emulated) {
    throw new ConfigError([
      "TOKEN_ENCRYPTION_KEY: required with real QuickBooks (openssl rand -base64 32)",
    ]);
  }
  const path = join(config.DATA_DIR, "sandbox-token-encryption.key");
  const existing = await readFile(path, "utf8").catch(() => null);
  if (existing) {
    return Buffer.from(existing.trim(), "base64");
  }
  const key = randomBytes(32);
  await mkdir(config.DATA_DIR, { recursive: true });
  await writeFile(path, key.toString("base64"), { mode: 0o600 });
  logger.warn(
    { path },
    "sandbox: generated a development token-encryption key (set TOKEN_ENCRYPTION_KEY in production)",
  );
  return key;
}

/** The demo company's name and zone (its invoices depend on the date; these do not). */
const DEMO = demoCompany("2000-01-01");

/** The sandbox's demo company connects to the emulated QuickBooks the way a person would. */
async function connectSandboxCompany(
  companies: DrizzleCompanyStore,
  quickbooks: QuickBooksServices,
  logger: Logger,
) {
  const companyId = await companies.findOrCreate(DEMO.companyName, DEMO.timeZone);
  await companies.fillSettings(companyId, { contact: DEMO.contact });
  // The emulator starts empty with every process, so earlier tokens are dead: consent again.
  const consent = await fetch(quickbooks.connections.authorizeUrl(`sandbox-${companyId}`), {
    redirect: "manual",
  });
  const callback = consent.headers.get("location");
  if (!callback) {
    throw new Error("The QuickBooks emulator did not redirect back from consent");
  }
  await quickbooks.connections.connect(companyId, callback);
  const summary = await importFromQuickBooks(
    { source: quickbooks.reader, store: quickbooks.importStore, logger },
    companyId,
  );
  logger.info({ companyId, ...summary }, "sandbox: demo company imported from QuickBooks");
  return companyId;
}

/**
 * Signs the QuickBooks consent `state`: derived from TOKEN_ENCRYPTION_KEY so every instance
 * agrees; without it (the sandbox, one process) a random per-process key.
 */
function connectStateKey(config: Config): Buffer {
  return config.TOKEN_ENCRYPTION_KEY
    ? createHmac("sha256", Buffer.from(config.TOKEN_ENCRYPTION_KEY, "base64"))
        .update("duetext/connect-state")
        .digest()
    : randomBytes(32);
}

export interface PaymentServices {
  /** What the dispatcher passes to `issuePayLink` to put a link in a text. */
  payLinks: IssuePayLinkDeps;
  issuePayLink(input: IssuePayLinkInput): Promise<IssuedPayLink>;
  /** What the dispatcher's `copyLinks.issue` calls to put a `/i/:token` link in a COPY reply. */
  issueCopyLink(input: IssueCopyLinkInput): Promise<IssuedCopyLink>;
  /** Stores and processes Stripe events the webhooks missed; run before every scheduler pass. */
  catchUp(): Promise<CatchUpSummary>;
}

/**
 * Pay-link tokens are HMACs under a key derived from TOKEN_ENCRYPTION_KEY (or, in the
 * sandbox, from the development key kept under DATA_DIR), so every instance and every
 * restart issues and recognises the same links.
 */
async function payLinkTokenKey(
  config: Config,
  real: ReturnType<typeof realProviders>,
  logger: Logger,
): Promise<Buffer> {
  if (!config.TOKEN_ENCRYPTION_KEY && real.twilio) {
    throw new ConfigError([
      "TOKEN_ENCRYPTION_KEY: required with real Twilio (pay links in texts are derived from it; openssl rand -base64 32)",
    ]);
  }
  const base = await tokenEncryptionKey(config, !real.quickbooks, logger);
  return createHmac("sha256", base).update("duetext/pay-link-token").digest();
}

/** Stripe through a client chosen late; until then calls fail as retryable. */
function lateStripe(current: () => StripePayments | null): Payments & PaymentEvents {
  const ready = () => {
    const stripe = current();
    if (!stripe) {
      throw new AppError("PROVIDER_UNAVAILABLE", "Stripe is not ready yet", { retryable: true });
    }
    return stripe;
  };
  return {
    createCheckout: (request) => ready().createCheckout(request),
    eventsSince: (cursor, options) => ready().eventsSince(cursor, options),
    retrieveCheckoutSession: (id) => ready().retrieveCheckoutSession(id),
    retrievePaymentIntent: (id) => ready().retrievePaymentIntent(id),
  };
}

/** QuickBooks' Accounting port, resolved per call (its services are built after listening). */
function lateAccounting(current: () => Accounting): Accounting {
  return {
    readInvoices: (companyId, quickbooksIds) => current().readInvoices(companyId, quickbooksIds),
    recordPayment: (payment) => current().recordPayment(payment),
  };
}

/** QuickBooks' invoices and PDFs for the copy page, resolved per call like `lateAccounting`. */
function lateDocuments(current: () => InvoiceDocuments): InvoiceDocuments {
  return {
    readInvoiceCopies: (companyId, quickbooksIds) =>
      current().readInvoiceCopies(companyId, quickbooksIds),
    invoicePdf: (companyId, quickbooksId) => current().invoicePdf(companyId, quickbooksId),
  };
}

function loopbackApiBase(url: string): StripeApiBase {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port), protocol: "http" };
}

/** Webhook secrets: the configured ones for real providers, the sandbox's for emulated ones. */
function webhookSecrets(config: Config) {
  const real = realProviders(config);
  const required = (value: string | undefined, key: string): string => {
    if (!value) {
      throw new ConfigError([
        `${key}: required when that provider is configured (webhooks must be verified)`,
      ]);
    }
    return value;
  };
  return {
    twilioAuthToken: real.twilio
      ? required(config.TWILIO_AUTH_TOKEN, "TWILIO_AUTH_TOKEN")
      : SANDBOX_CREDENTIALS.twilio.authToken,
    stripeWebhookSecret: real.stripe
      ? required(config.STRIPE_WEBHOOK_SECRET, "STRIPE_WEBHOOK_SECRET")
      : SANDBOX_CREDENTIALS.stripe.webhookSecret,
    slackSigningSecret: real.slack
      ? required(config.SLACK_SIGNING_SECRET, "SLACK_SIGNING_SECRET")
      : SANDBOX_CREDENTIALS.slack.signingSecret,
    quickbooksVerifierToken: real.quickbooks
      ? required(config.QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN, "QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN")
      : SANDBOX_CREDENTIALS.quickbooks.webhookVerifierToken,
  };
}

function smsSender(
  config: Config,
  isReal: boolean,
  sandbox: Sandbox | null,
  loopbackUrl: string,
): SmsSender {
  if (isReal) {
    return new TwilioSmsSender({
      accountSid: config.TWILIO_ACCOUNT_SID ?? "",
      authToken: config.TWILIO_AUTH_TOKEN ?? "",
      ...(config.TWILIO_MESSAGING_SERVICE_SID
        ? { messagingServiceSid: config.TWILIO_MESSAGING_SERVICE_SID }
        : { from: config.TWILIO_FROM_NUMBER ?? "" }),
      statusCallbackUrl: `${config.PUBLIC_BASE_URL}/webhooks/twilio/status`,
    });
  }
  return new TwilioSmsSender({
    accountSid: SANDBOX_CREDENTIALS.twilio.accountSid,
    authToken: SANDBOX_CREDENTIALS.twilio.authToken,
    baseUrl: sandbox?.url ?? "",
    from: SANDBOX_CREDENTIALS.twilio.businessNumber,
    statusCallbackUrl: `${loopbackUrl}/webhooks/twilio/status`,
  });
}

function lineTypeLookup(config: Config, isReal: boolean, sandbox: Sandbox | null): LineTypeLookup {
  return new TwilioLineTypeLookup(
    isReal
      ? { accountSid: config.TWILIO_ACCOUNT_SID ?? "", authToken: config.TWILIO_AUTH_TOKEN ?? "" }
      : {
          accountSid: SANDBOX_CREDENTIALS.twilio.accountSid,
          authToken: SANDBOX_CREDENTIALS.twilio.authToken,
          baseUrl: sandbox?.url ?? "",
        },
  );
}

function staffNotifier(
  config: Config,
  isReal: boolean,
  sandbox: Sandbox | null,
  logger: Logger,
): StaffNotifier {
  if (isReal) {
    return new SlackStaffNotifier({
      botToken: config.SLACK_BOT_TOKEN ?? "",
      channelId: config.SLACK_CHANNEL_ID ?? "",
      logger,
    });
  }
  return new SlackStaffNotifier({
    botToken: SANDBOX_CREDENTIALS.slack.botToken,
    channelId: SANDBOX_CREDENTIALS.slack.channelId,
    slackApiUrl: `${sandbox?.url ?? ""}/api/`,
    logger,
  });
}

// Run only when executed (npm start), not when tests import startDuetext.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      console.error(error);
    }
    process.exit(1);
  });
}
