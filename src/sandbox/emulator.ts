import type { FastifyInstance } from "fastify";
import type { Clock, Logger } from "../app/ports.js";

// A provider emulator: the provider's real HTTP wire format on the sandbox port, stateful,
// sharing the app's clock, signing its webhooks exactly as the provider does.

export interface EmulatorOptions {
  clock: Clock;
  logger: Logger;
  /** Where the emulator delivers webhooks: the app's base URL, e.g. http://127.0.0.1:3000. */
  appBaseUrl: string;
  /**
   * This emulator's own base URL, for links it hands out (checkout pages, response_url).
   * A function: the port is known only once the server listens.
   */
  selfBaseUrl: () => string;
}

export interface Emulator {
  readonly provider: "quickbooks" | "stripe" | "twilio" | "slack";
  /** Mounts the provider's routes; called once before the sandbox server listens. */
  register(app: FastifyInstance): Promise<void>;
  /** Resolves when every webhook this emulator has started delivering has been answered. */
  idle(): Promise<void>;
}
