// The agent's well-known ports: the probe responders (UDP and TCP) and the HTTP API.
export const DEFAULT_PROBE_PORT = 7946;
export const DEFAULT_API_PORT = 7947;
