// The composition root: resolves the configuration (flags, then the process
// environment, then migrate.yaml) and builds the Environment a command runs
// in, with pg/ for the database, fs/ for the files and report/ for the
// terminal. The only code that reads the process environment or knows pg/.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>

#include "commands/environment.hpp"
#include "engine/clock.hpp"
#include "engine/state_sql.hpp"
#include "report/terminal_reporter.hpp"

namespace migrate::cli {

struct GlobalOptions {
  std::string dir;
  std::string database_url;
  std::string lock_url;  // a direct connection for the migration lock; "": the database URL's
  std::string schema;
  std::string config = "migrate.yaml";
  bool config_given = false;  // --config named it: it must exist
  bool json = false;
  bool verbose = false;
  bool quiet = false;
  std::string color = "auto";  // auto, always, never
  std::string wait;            // retry connecting for this long ("": once)
  bool no_cache = false;       // read every file, ignoring the cache of parsed files
};

// What the command's stdout is: results, or (`--sql`) a script that must be
// printed whole or not at all.
enum class Output { results, script };

class Composition {
 public:
  Composition(const GlobalOptions& options, std::string command, Output output);
  ~Composition();

  commands::Environment& environment() { return *m_environment; }
  // Writes a script held back until the command succeeded.
  void finish();

 private:
  class TerminalPrompt;

  Output m_output;
  std::string m_connection;
  std::string m_lock_connection;
  engine::StateSql m_state;
  std::mutex m_fleet_mutex;
  std::map<std::string, engine::StateSql> m_fleet_states;  // by schema, for --targets
  std::unique_ptr<report::TerminalReporter> m_reporter;
  std::unique_ptr<TerminalPrompt> m_prompt;
  engine::SystemClock m_clock;
  std::ostringstream m_script;
  std::unique_ptr<commands::Environment> m_environment;
};

}  // namespace migrate::cli
