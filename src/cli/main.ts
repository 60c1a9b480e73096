import { Command } from 'commander';
import { ConfigError } from '../config/load-config.ts';
import { DomainError } from '../domain/domain-error.ts';
import { registerAdminKeyCommands, registerAttributeCommands, registerBackupCommand, registerDirectoryCommands, registerMigrateCommand, registerTokenCommands } from './admin-commands.ts';
import { registerAccountCommands } from './account-commands.ts';
import { registerAppCommands } from './app-commands.ts';
import { registerGroupCommands } from './group-commands.ts';
import { registerHeldCommands } from './held-commands.ts';
import { registerAdminAccountCommands } from './admin-account-commands.ts';
import { registerOpsCommands } from './ops-commands.ts';
import { registerDomainCommands, registerRulesCommands } from './rules-commands.ts';
import { serve } from './serve.ts';
import { registerSimulateCommand } from './simulate.ts';
import { registerEventCommands, registerWebhookCommands } from './webhook-commands.ts';

/** The `roster` command line: the composition root for everything but the HTTP server. */
const program = new Command('roster').description('Roster: user and group provisioning over SCIM').showHelpAfterError();

program
  .command('serve')
  .description('start the server (migrations are applied first)')
  .action(() => serve());

registerMigrateCommand(program);
registerBackupCommand(program);
registerDirectoryCommands(program);
registerTokenCommands(program);
registerAttributeCommands(program);
registerAdminKeyCommands(program);
registerAdminAccountCommands(program);
registerSimulateCommand(program);
registerEventCommands(program);
registerWebhookCommands(program);
registerOpsCommands(program);
registerDomainCommands(program);
registerRulesCommands(program);
registerAccountCommands(program);
registerGroupCommands(program);
registerAppCommands(program);
registerHeldCommands(program);


try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError || error instanceof DomainError) {
    process.stderr.write(`roster: ${error.message}\n`);
    process.exit(error instanceof ConfigError ? 78 : 1);
  }
  throw error;
}
