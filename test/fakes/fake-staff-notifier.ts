import type { StaffNotice, StaffNoticeStatus, StaffNotifier } from "../../src/app/ports.js";

export class FakeStaffNotifier implements StaffNotifier {
  readonly notices: StaffNotice[] = [];
  readonly updates: Array<{ ref: string; notice: StaffNotice; status: StaffNoticeStatus }> = [];

  async notify(notice: StaffNotice): Promise<{ ref: string }> {
    this.notices.push(notice);
    return { ref: `notice-${this.notices.length}` };
  }

  async updateNotice(ref: string, notice: StaffNotice, status: StaffNoticeStatus): Promise<void> {
    this.updates.push({ ref, notice, status });
  }
}
