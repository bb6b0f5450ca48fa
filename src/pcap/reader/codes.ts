// Stable error codes of the capture reader (also used by the CLI and documentation).
export const E_PCAP_BAD_MAGIC = 'E_PCAP_BAD_MAGIC';
export const E_PCAP_TRUNCATED = 'E_PCAP_TRUNCATED';
export const E_PCAP_BAD_BLOCK = 'E_PCAP_BAD_BLOCK';
export const E_PCAP_BAD_LENGTH = 'E_PCAP_BAD_LENGTH';
export const E_PCAP_NO_INTERFACE = 'E_PCAP_NO_INTERFACE';
export const E_PCAP_EMPTY = 'E_PCAP_EMPTY';
export const E_INPUT = 'E_INPUT';
export const E_ABORTED = 'E_ABORTED';

export interface ReadError {
  code: string;
  message: string;
  offset: number;
}
