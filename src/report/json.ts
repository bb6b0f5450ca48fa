// JSON report: the DoctorReport as is (versioned by `schema` and `schemaVersion`).
import type { DoctorReport } from './model.js';

export function renderJson(r: DoctorReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}
