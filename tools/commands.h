// The subcommands of the monoquant tool. Each parses its own arguments (argv[0] is the subcommand's
// name) and returns the process exit code (exit_codes.h). The tool uses only the public C API, like
// any other client.
#ifndef MONOQUANT_TOOLS_COMMANDS_H
#define MONOQUANT_TOOLS_COMMANDS_H

int run_demo_command(int argc, char** argv);
int run_quantize_command(int argc, char** argv);
int run_inspect_command(int argc, char** argv);
int run_plan_command(int argc, char** argv);
int run_bench_command(int argc, char** argv);
int run_cpu_command(int argc, char** argv);

#endif
