import { describe, expect, it } from 'vitest';
import { createProgressLine } from './progress-line.ts';

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, writes, write: (text: string) => writes.push(text) };
}

describe('createProgressLine', () => {
  it('redraws a bar in place on a terminal, then clears it for the final line', () => {
    const s = stream(true);
    const progress = createProgressLine(s, 200, 10);
    progress.update(50, 'link');
    progress.update(200, 'link');
    progress.update(100, 'accounts');
    progress.finish(200);
    expect(s.writes).toEqual([
      '\rreconcile [###-------]  25% link 50/200',
      '\rreconcile [##########] 100% link 200/200',
      '\rreconcile [#####-----]  50% accounts 100/200',
      `\r${' '.repeat(44)}\r`,
      'reconciled 200 accounts (link 200, accounts 100)\n',
    ]);
  });

  it('counts without a bar when the total is unknown', () => {
    const s = stream(true);
    const progress = createProgressLine(s, undefined);
    progress.update(7, 'accounts');
    expect(s.writes).toEqual(['\rreconcile accounts 7']);
  });

  it('writes only the final line to a file or a pipe', () => {
    const s = stream(false);
    const progress = createProgressLine(s, 10);
    progress.update(5, 'link');
    progress.update(10, 'accounts');
    progress.finish(10);
    expect(s.writes).toEqual(['reconciled 10 accounts (link 5, accounts 10)\n']);
  });
});
