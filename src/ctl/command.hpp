// SPDX-License-Identifier: GPL-2.0-or-later
// What a banjoctl subcommand is: its name, synopsis, the text of its --help, its options and
// the function that runs it. The table of all of them lives in dispatch.cpp; each group of
// commands declares its own specs in its file.
#pragma once

#include "ctl/command_line.hpp"
#include "ctl/terminal.hpp"

#include <string>
#include <vector>

namespace banjo {

struct Invocation;
using CommandFunction = int (*)(const Invocation&);

struct CommandSpec {
    std::string_view name;
    std::vector<std::string_view> synopsis;   // argument lines after "banjoctl NAME"
    std::string_view summary;                 // one line, for banjoctl --help
    std::string_view description;             // paragraphs for NAME --help
    std::vector<OptionSpec> options;          // besides --json and --help, which every command has
    CommandFunction run = nullptr;
};

struct Invocation {
    const CommandSpec& command;
    Arguments args;
    bool json = false;
    Terminal term;
    bool legend = true;   // false with --no-legend: tables without header and footer
};

// Options every command accepts.
extern const OptionSpec json_option;
extern const OptionSpec help_option;
// Tables: leave out the column headers and the summary line.
extern const OptionSpec no_legend_option;

// The commands of each group (their files).
std::vector<CommandSpec> status_commands();     // status
std::vector<CommandSpec> ban_commands();        // bans, ban, unban
std::vector<CommandSpec> jail_commands();       // enable, disable, ignore
std::vector<CommandSpec> reload_commands();     // reload
std::vector<CommandSpec> monitor_commands();    // monitor
std::vector<CommandSpec> test_filter_commands();   // test-filter
std::vector<CommandSpec> why_commands();           // why
std::vector<CommandSpec> set_commands();           // set
std::vector<CommandSpec> fleet_commands();         // fleet
std::vector<CommandSpec> blocklist_commands();     // blocklists

// Throws a usage error unless the positional arguments number between min and max.
void require_arguments(const Invocation& inv, std::size_t min, std::size_t max);

// Prints a --json document or text to stdout.
void print(const std::string& text);

}  // namespace banjo
