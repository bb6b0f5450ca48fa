// Picks a reporter by name (`-o text|json|markdown|html`).
import { PodpathError } from '../util/errors.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import type { DoctorReport } from './model.js';
import { renderText } from './text.js';

export const REPORT_FORMATS = ['text', 'json', 'markdown', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function parseFormat(value: string): ReportFormat {
  const v = value === 'md' ? 'markdown' : value;
  if ((REPORT_FORMATS as readonly string[]).includes(v)) return v as ReportFormat;
  throw new PodpathError('E_BAD_FORMAT', `unknown output format "${value}": use ${REPORT_FORMATS.join(', ')}`);
}

/**
 * Any format. `translation`: the same run in the other language, which the HTML report carries
 * beside it. The HTML renderer is imported only for -o html: the other formats do not evaluate it.
 */
export async function renderReport(report: DoctorReport, format: ReportFormat, opts: { color?: boolean; translation?: DoctorReport } = {}): Promise<string> {
  if (format === 'html') return (await import('./html/render.js')).renderDoctorHtml(report, { translation: opts.translation });
  return render(report, format, opts);
}

/** The text formats. */
export function render(report: DoctorReport, format: Exclude<ReportFormat, 'html'>, opts: { color?: boolean } = {}): string {
  if (format === 'json') return renderJson(report);
  if (format === 'markdown') return renderMarkdown(report);
  return renderText(report, opts);
}
