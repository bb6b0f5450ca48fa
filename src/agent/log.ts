// JSON lines on stdout: what a DaemonSet's log collector expects.
export type LogFn = (event: string, fields?: Record<string, unknown>) => void;

export function jsonLogger(write: (line: string) => void = (l) => process.stdout.write(l)): LogFn {
  return (event, fields = {}) => write(JSON.stringify({ time: new Date().toISOString(), event, ...fields }) + '\n');
}
