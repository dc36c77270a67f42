import type { Clock } from "../app/ports.js";
import { AppError } from "../domain/errors.js";

/**
 * The one clock of a sandbox: the app, the workers and every emulator read it. It runs at
 * real speed from a chosen start (or stands still, for scripted scenarios) and only moves
 * forward when told; never back, so timers and signatures stay consistent.
 */
export class SandboxClock implements Clock {
  private base: number;
  private realAtBase: number;

  constructor(
    start: Date,
    private readonly options: { frozen?: boolean; realNow?: () => number } = {},
  ) {
    this.base = start.getTime();
    this.realAtBase = this.realNow();
  }

  now(): Date {
    return new Date(
      this.options.frozen ? this.base : this.base + (this.realNow() - this.realAtBase),
    );
  }

  advance(ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new AppError("VALIDATION_FAILED", "The sandbox clock only moves forward");
    }
    return this.setTo(new Date(this.now().getTime() + ms));
  }

  setTo(to: Date): Date {
    const now = this.now();
    if (to.getTime() < now.getTime()) {
      throw new AppError(
        "VALIDATION_FAILED",
        `The sandbox clock only moves forward: it is ${now.toISOString()}, asked for ${to.toISOString()}`,
      );
    }
    this.base = to.getTime();
    this.realAtBase = this.realNow();
    return this.now();
  }

  private realNow(): number {
    return this.options.realNow ? this.options.realNow() : Date.now();
  }
}
