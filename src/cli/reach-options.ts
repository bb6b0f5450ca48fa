// What `mesh` and `cluster doctor` share about reaching agents listed from the cluster.

/** A token given on the command line or in the environment (else the cluster's Secret is read). */
export function tokenGiven(tokenFile: string | undefined): boolean {
  return tokenFile !== undefined || (process.env.PODPATH_TOKEN ?? '').trim() !== '';
}
