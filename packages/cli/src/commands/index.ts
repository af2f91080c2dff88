import type { Command } from '../context.js';
import { applyCommand } from './apply.js';
import { approveCommand, rejectCommand } from './approval.js';
import { completionCommand } from './completion.js';
import { configCommand } from './config.js';
import { pauseCommand, resumeCommand, retryCommand, stopCommand } from './control.js';
import { completeCommand } from './delegation.js';
import { getCommand } from './get.js';
import { loginCommand } from './login.js';
import { logoutCommand } from './logout.js';
import { logsCommand } from './logs.js';
import { runCommand } from './run.js';
import { validateCommand } from './validate.js';

export const COMMANDS: readonly Command[] = [
  loginCommand,
  logoutCommand,
  configCommand,
  applyCommand,
  getCommand,
  runCommand,
  logsCommand,
  stopCommand,
  pauseCommand,
  resumeCommand,
  retryCommand,
  approveCommand,
  rejectCommand,
  completeCommand,
  validateCommand,
  completionCommand(() => COMMANDS),
];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.spec.name === name);
}
