import type { Command } from './command';
import { appResetCommand } from './app-reset';
import { appReprocessCommand, appRollbackCommand } from './app-blue-green';
import { appsCommand } from './apps';
import { backfillCommand } from './backfill';
import { dlqListCommand, dlqReplayCommand } from './dlq';
import { groupOffsetsCommand, groupShiftCommand } from './group';
import { tailCommand } from './tail';
import { topicsDescribeCommand, topicsListCommand } from './topics';

/** Every command, in the order `--help` lists them. */
export const commands: readonly Command[] = [
  appsCommand,
  topicsListCommand,
  topicsDescribeCommand,
  tailCommand,
  groupOffsetsCommand,
  groupShiftCommand,
  dlqListCommand,
  dlqReplayCommand,
  appResetCommand,
  appReprocessCommand,
  appRollbackCommand,
  backfillCommand,
];
