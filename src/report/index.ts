// Picks a reporter by name (`-o text|json|markdown|html`).
import { PodpathError } from '../util/errors.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import type { DoctorReport } from './model.js';
import { renderText } from './text.js';
import { renderDoctorHtml } from './html/render.js';

export const REPORT_FORMATS = ['text', 'json', 'markdown', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function parseFormat(value: string): ReportFormat {
  const v = value === 'md' ? 'markdown' : value;
  if ((REPORT_FORMATS as readonly string[]).includes(v)) return v as ReportFormat;
  throw new PodpathError('E_BAD_FORMAT', `unknown output format "${value}": use ${REPORT_FORMATS.join(', ')}`);
}

/** `translation`: the same run in the other language, which the HTML report carries beside it. */
export function render(report: DoctorReport, format: ReportFormat, opts: { color?: boolean; translation?: DoctorReport } = {}): string {
  if (format === 'json') return renderJson(report);
  if (format === 'html') return renderDoctorHtml(report, { translation: opts.translation });
  if (format === 'markdown') return renderMarkdown(report);
  return renderText(report, opts);
}
