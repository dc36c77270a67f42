import type { StaffNotice, StaffNotifier } from "../../src/app/ports.js";

export class FakeStaffNotifier implements StaffNotifier {
  readonly notices: StaffNotice[] = [];

  async notify(notice: StaffNotice): Promise<{ ref: string }> {
    this.notices.push(notice);
    return { ref: `notice-${this.notices.length}` };
  }
}
