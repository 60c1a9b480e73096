/** Where progress goes: stderr, or any stream that says whether it is a terminal. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * Progress of a long command: a bar redrawn in place on a terminal (per phase; against `total` when
 * it is known, a running count otherwise), and only the final line when the stream is a file or a
 * pipe, so a log is not filled with carriage-return redraws.
 */
export function createProgressLine(stream: ProgressStream, total: number | undefined, width = 30) {
  const tty = stream.isTTY === true;
  let last = '';
  const counts = new Map<string, number>();
  const summary = () => [...counts].map(([phase, n]) => `${phase} ${n}`).join(', ');
  return {
    update(done: number, phase: string): void {
      counts.set(phase, done);
      if (!tty) return;
      const share = total ? Math.min(1, done / total) : undefined;
      const bar = share === undefined ? '' : `[${'#'.repeat(Math.round(share * width)).padEnd(width, '-')}] ${String(Math.round(share * 100)).padStart(3)}% `;
      const line = `reconcile ${bar}${phase} ${done}${total ? `/${total}` : ''}`;
      stream.write(`\r${line.padEnd(last.length)}`);
      last = line;
    },
    finish(accounts: number): void {
      if (tty && last) stream.write(`\r${' '.repeat(last.length)}\r`);
      stream.write(`reconciled ${accounts} accounts${counts.size ? ` (${summary()})` : ''}\n`);
    },
  };
}
