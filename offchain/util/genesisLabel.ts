/** A deployment's genesis time (unix seconds) for messages: the number and its ISO date. */
export function genesisLabel(seconds: number): string {
  return `${seconds} (${new Date(seconds * 1000).toISOString()})`;
}
