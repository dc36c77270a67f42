import type { Logger } from "../../src/app/ports.js";

/** Keeps log lines in memory so tests can assert on warnings and errors. */
export class MemoryLogger implements Logger {
  readonly lines: Array<{ level: string; message: string; object: Record<string, unknown> }> = [];

  debug(object: Record<string, unknown>, message: string): void {
    this.lines.push({ level: "debug", message, object });
  }
  info(object: Record<string, unknown>, message: string): void {
    this.lines.push({ level: "info", message, object });
  }
  warn(object: Record<string, unknown>, message: string): void {
    this.lines.push({ level: "warn", message, object });
  }
  error(object: Record<string, unknown>, message: string): void {
    this.lines.push({ level: "error", message, object });
  }
}
