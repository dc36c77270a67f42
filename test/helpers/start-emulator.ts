import Fastify, { type FastifyInstance } from "fastify";
import type { Emulator } from "../../src/sandbox/emulator.js";

/**
 * Serves one emulator on an ephemeral loopback port for a test. `make` receives a function
 * returning the emulator's base URL, valid once this resolves.
 */
export async function startEmulator<E extends Emulator>(
  make: (selfBaseUrl: () => string) => E,
): Promise<{ emulator: E; baseUrl: string; app: FastifyInstance; close(): Promise<void> }> {
  const app = Fastify({ logger: false });
  let baseUrl = "";
  const emulator = make(() => baseUrl);
  await emulator.register(app);
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  baseUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  return { emulator, baseUrl, app, close: () => app.close() };
}
