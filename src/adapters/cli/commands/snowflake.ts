import type { Command } from 'commander';
import type { CliContext } from '../context.js';

/** `reckit snowflake sql`: prints the SQL that wires Snowflake to the External Functions. */
export function registerSnowflake(program: Command, ctx: CliContext): void {
  const sf = program.command('snowflake').description('Snowflake helpers');
  sf.command('sql')
    .description('print the API integration, the three external functions, grants and the retraining task')
    .option('--url <url>', 'API Gateway stage URL the functions live under')
    .option('--role-arn <arn>', 'IAM role Snowflake assumes to call API Gateway')
    .option('--integration <name>', 'API integration name', 'reckit_api')
    .option('--grant-role <role>', 'role allowed to call the functions and run the task', 'reckit_user')
    .option('--ratings-table <name>', 'table the stream watches', 'ratings')
    .option('--output-table <name>', 'top-N table the task rebuilds', 'user_movie_recommendations')
    .option('--task-warehouse <name>', 'warehouse the task runs on', 'compute_wh')
    .option('--schedule <schedule>', 'task schedule', 'USING CRON 0 3 * * * UTC')
    .option('--http-secret', 'add HEADERS for the shared secret (plain-HTTP reckit functions serve)')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const { snowflakeSql } = await import('../../snowflake/sql.js');
      ctx.out(
        snowflakeSql({
          url: o.url as string | undefined,
          roleArn: o.roleArn as string | undefined,
          integration: o.integration as string,
          grantRole: o.grantRole as string,
          ratingsTable: o.ratingsTable as string,
          outputTable: o.outputTable as string,
          taskWarehouse: o.taskWarehouse as string,
          schedule: o.schedule as string,
          httpSecret: Boolean(o.httpSecret),
        }),
      );
    });
}
