import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { DomainError } from '../domain/domain-error.ts';
import { json, out, table, withServices } from './admin-commands.ts';
import { CLI_ACTOR } from './cli-actor.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // One trailing newline is the terminator of `echo` or a file, not part of the password.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Asks on the terminal without echoing what is typed. */
function prompt(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const write = (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput;
    let asked = false;
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
      if (!asked) write.call(rl, s);
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    asked = true;
  });
}

/** The password from stdin (`--password-stdin`, or a pipe), else asked twice on the terminal. */
async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin || !process.stdin.isTTY) return readStdin();
  const first = await prompt('Password (at least 12 characters): ');
  const again = await prompt('Password again: ');
  if (first !== again) throw new DomainError('admin.invalid', 'password: the two entries differ');
  return first;
}

/**
 * `roster admin create|list|remove`: admin accounts of the console (`roster admin-key` manages the
 * API keys). Like the other admin commands they work on the database directly.
 */
export function registerAdminAccountCommands(program: Command) {
  const admin = program.command('admin').description('manage admin accounts of the console (email, password, role)');
  admin
    .command('create')
    .description('create an admin account; the password is read from stdin, or asked for on a terminal')
    .requiredOption('--email <email>', 'the admin signs in with it')
    .option('--role <role>', 'owner | admin | read_only', 'admin')
    .option('--password-stdin', 'read the password from stdin (one line)')
    .option('--json', 'print {"id","email","role","createdAt","updatedAt"} as JSON')
    .action(async (opts: { email: string; role: string; passwordStdin?: boolean; json?: boolean }) => {
      const password = await readPassword(!!opts.passwordStdin);
      await withServices(async (s) => {
        const created = await s.admins.create({ email: opts.email, password, role: opts.role }, CLI_ACTOR);
        if (opts.json) return json(created);
        out(`Admin ${created.email} (${created.role}) created: ${created.id}`);
      });
    });
  admin
    .command('list')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      withServices(async (s) => {
        const list = await s.admins.list();
        if (opts.json) return json(list);
        table(list.map((a) => ({ id: a.id, email: a.email, role: a.role, created: a.createdAt })));
      }),
    );
  admin
    .command('remove <idOrEmail>')
    .description('remove an admin account (never the last owner); its sessions end')
    .option('--json', 'print JSON')
    .action((idOrEmail: string, opts: { json?: boolean }) =>
      withServices(async (s) => {
        const found = await s.admins.find(idOrEmail);
        if (!found) throw new DomainError('admin.not_found', `no admin ${idOrEmail}`);
        await s.admins.remove(found.id, CLI_ACTOR);
        if (opts.json) return json({ removed: found });
        out(`admin ${found.email} removed`);
      }),
    );
}
