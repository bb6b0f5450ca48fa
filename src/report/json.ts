// JSON report: the DoctorReport as is (versioned by `schema` and `schemaVersion`).
import type { DoctorReport } from './model.js';
import { jsonText } from './safe-text.js';

export function renderJson(r: DoctorReport): string {
  return jsonText(r) + '\n';
}
