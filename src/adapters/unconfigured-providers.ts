import type { SentSms, SmsSender, StaffNotifier } from "../app/ports.js";
import { AppError } from "../domain/errors.js";

// Until a provider is connected, effects wait in the outbox (retryable) instead of being
// dropped; the provider adapters replace these as soon as credentials or the sandbox exist.

function notConfigured(provider: string): never {
  throw new AppError(
    "PROVIDER_NOT_CONFIGURED",
    `${provider} is not configured; the effect stays queued`,
    {
      retryable: true,
    },
  );
}

export class UnconfiguredSmsSender implements SmsSender {
  send(): Promise<SentSms> {
    return Promise.resolve().then(() => notConfigured("SMS (Twilio)"));
  }

  findSent(): Promise<SentSms | null> {
    return Promise.resolve().then(() => notConfigured("SMS (Twilio)"));
  }
}

export class UnconfiguredStaffNotifier implements StaffNotifier {
  notify(): Promise<{ ref: string }> {
    return Promise.resolve().then(() => notConfigured("Staff notifications (Slack)"));
  }

  updateNotice(): Promise<void> {
    return Promise.resolve().then(() => notConfigured("Staff notifications (Slack)"));
  }
}
