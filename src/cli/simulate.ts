import { InvalidArgumentError, Option, type Command } from 'commander';
import { SIMULATED_IDPS, type SimulatedIdp } from '../idp/simulator/sim-context.ts';
import type { ProgressEvent } from '../idp/simulator/run-simulation.ts';

interface SimulateFlags {
  idp: SimulatedIdp;
  baseUrl: string;
  token: string;
  users: number;
  groups: number;
  members?: number;
  concurrency: number;
  timeoutMs: number;
  json?: boolean;
}

function integer(text: string): number {
  if (!/^\d{1,9}$/.test(text.trim())) throw new InvalidArgumentError('expected a non-negative integer');
  return Number(text);
}

const BAR = 24;

/**
 * Progress on stderr: a redrawn bar on a terminal, one plain line per finished step otherwise
 * (CI logs), nothing with --json off a terminal, so stdout stays the report alone.
 */
function createProgress(stream: NodeJS.WriteStream, json: boolean): (event: ProgressEvent) => void {
  let lastDraw = 0;
  if (!stream.isTTY) {
    return (event) => {
      const r = event.report;
      if (json || !r) return;
      stream.write(`[${event.index + 1}/${event.steps}] ${r.step}: ${r.requests} requests, ${r.failures} failures, p50 ${r.p50Ms.toFixed(1)} ms\n`);
    };
  }
  return (event) => {
    const now = Date.now();
    if (!event.report && now - lastDraw < 50) return;
    lastDraw = now;
    const share = event.total === 0 ? 1 : event.done / event.total;
    const filled = Math.round(share * BAR);
    const bar = '#'.repeat(filled) + '.'.repeat(BAR - filled);
    const state = event.report ? (event.report.failures > 0 ? `${event.report.failures} failures` : 'ok') : `${event.done}/${event.total}`;
    stream.write(`\r\x1b[2K[${bar}] ${event.index + 1}/${event.steps} ${event.step} ${state}`);
    if (event.report) stream.write('\n');
  };
}

/**
 * `roster simulate`: provisions into a SCIM server as an IdP would (src/idp/simulator/). Works
 * against any SCIM 2.0 server; exits 1 when any check failed, 2 when the options are wrong.
 */
export function registerSimulateCommand(program: Command) {
  program
    .command('simulate')
    .description('provision users and groups into a SCIM server the way an IdP does, checking every response')
    .addOption(new Option('--idp <idp>', 'the IdP to behave like').choices([...SIMULATED_IDPS]).makeOptionMandatory())
    .requiredOption('--base-url <url>', 'SCIM base URL, as pasted into the IdP (e.g. http://127.0.0.1:8080/scim/v2/<directoryId>)')
    .requiredOption('--token <token>', 'bearer token of the directory')
    .requiredOption('--users <n>', 'users to create', integer)
    .requiredOption('--groups <n>', 'groups to push', integer)
    .option('--members <n>', 'members per group (default: min(users, 10))', integer)
    .option('--concurrency <n>', 'requests in flight', integer, 1)
    .option('--timeout-ms <ms>', 'timeout of one request', integer, 30_000)
    .option('--json', 'print the report as JSON')
    .action(async (flags: SimulateFlags) => {
      // Loaded on use: the simulator's HTTP client is no part of a serving process's memory.
      const { runSimulation } = await import('../idp/simulator/run-simulation.ts');
      const { renderReport } = await import('../idp/simulator/sim-report.ts');
      let result;
      try {
        result = await runSimulation({
          idp: flags.idp,
          baseUrl: flags.baseUrl,
          token: flags.token,
          users: flags.users,
          groups: flags.groups,
          members: flags.members,
          concurrency: flags.concurrency,
          timeoutMs: flags.timeoutMs,
          onProgress: createProgress(process.stderr, flags.json === true),
        });
      } catch (error) {
        if (error instanceof RangeError || error instanceof TypeError) {
          process.stderr.write(`roster simulate: ${error.message}\n`);
          process.exitCode = 2;
          return;
        }
        throw error;
      }
      const { report } = result;
      process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : renderReport(report));
      process.exitCode = report.ok ? 0 : 1;
    });
}
