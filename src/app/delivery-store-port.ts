// Storage behind Twilio's reports on our texts: the message row a status callback updates,
// and the phone, company, task and outbox rows a delivery error changes. Every call of a unit
// of work runs in one transaction, so a reaction and the mark that it happened commit
// together.

export interface TrackedMessage {
  id: string;
  companyId: string;
  threadId: string;
  /** The recipient (E.164). */
  phone: string;
  status: string;
  /** The error code a reaction was already applied for, if any. */
  errorCode: string | null;
}

export interface PhoneDeliveryState {
  consent: "subscribed" | "opted_out";
  undeliverable: boolean;
  deliveryFailures: number;
  smsBlockedReason: string | null;
}

export interface NewStaffAlert {
  companyId: string;
  threadId: string | null;
  /** The task's reason, e.g. "fix_phone", "message_filtered", "sending_paused". */
  reason: string;
  /** One line for staff; never the message body. */
  text: string;
  details: Record<string, unknown>;
  /** What caused it (a message sid or an outbox id), kept on the notice's outbox row. */
  causationId: string | null;
  at: Date;
}

export interface DeliveryUnitOfWork {
  /** The message with this provider id, locked until the transaction ends; null if not recorded. */
  lockMessage(providerMessageId: string): Promise<TrackedMessage | null>;
  setMessageStatus(messageId: string, status: string, at: Date): Promise<void>;
  /** Marks the message as failed with `errorCode`: the reaction to it has been applied. */
  setMessageError(messageId: string, errorCode: string, at: Date): Promise<void>;

  /** The company's phone row, locked; null when the number belongs to no known phone. */
  lockPhone(companyId: string, e164: string): Promise<PhoneDeliveryState | null>;
  updatePhone(
    companyId: string,
    e164: string,
    change: Partial<
      Pick<PhoneDeliveryState, "undeliverable" | "deliveryFailures" | "smsBlockedReason">
    >,
    at: Date,
  ): Promise<void>;
  /** Whether the ledger's latest word on this number is an opt-out. */
  hasRecordedOptOut(companyId: string, e164: string): Promise<boolean>;
  /** Queued texts to this thread that were not handed to the provider yet are dropped. */
  skipQueuedTexts(threadId: string, reason: string, at: Date): Promise<number>;

  /**
   * A reminder that did not arrive (expired in the carrier's queue, 30036; a handset out of
   * reach, 30003) gives back its ladder rungs and the thread's ladder is checked again, so a
   * fresh text goes in the next allowed moment. False when the message was not a reminder.
   */
  replanExpiredReminder(providerMessageId: string, at: Date): Promise<boolean>;

  /** Locks the company row; whether its sending is paused. */
  lockCompany(companyId: string): Promise<{ sendingPausedAt: Date | null } | null>;
  pauseSending(companyId: string, reason: string, at: Date): Promise<void>;

  /** A staff task and its `notifyStaff` outbox row, as the pipeline persists that effect. */
  createStaffAlert(alert: NewStaffAlert): Promise<{ taskId: string }>;
}

export interface DeliveryStore {
  inTransaction<T>(work: (uow: DeliveryUnitOfWork) => Promise<T>): Promise<T>;
}
