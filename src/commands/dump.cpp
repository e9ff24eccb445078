// dump: the database's schema as pg_dump prints it, without migrate's own
// state and without the lines that change from one dump to the next, so
// that a schema file kept with the revisions changes only with the schema.
#include <fmt/format.h>

#include "commands/commands.hpp"
#include "core/sql/schema_dump.hpp"
#include "fs/migrations_dir.hpp"

namespace migrate::commands {

int run_dump(Environment& env, const DumpOptions& options) {
  std::string schema = core::clean_schema_dump(env.dump_schema(env.schema()));
  if (options.file.empty()) {
    env.out() << schema;
    return 0;
  }
  fs::write_file(options.file, schema);
  env.reporter().info(
      fmt::format("wrote the schema of {} to {}", env.database_display(), options.file));
  return 0;
}

}  // namespace migrate::commands
