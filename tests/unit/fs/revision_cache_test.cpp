// The cache of parsed files on a real directory: hits, edits it must see,
// damaged caches, caches that cannot be written, and files too new to trust.
#include "fs/revision_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <string>

#include "core/revisions/checksum.hpp"
#include "core/revisions/revision_loader.hpp"
#include "fs/migrations_dir.hpp"

using namespace migrate;

namespace {

// Nanoseconds since the epoch, an hour from now: every file is old enough to record.
int64_t later() { return (static_cast<int64_t>(::time(nullptr)) + 3600) * 1000000000; }

struct Scratch {
  std::string root;
  Scratch() {
    char pattern[] = "/tmp/migrate-cache-test.XXXXXX";
    root = ::mkdtemp(pattern);
    ::mkdir((root + "/m").c_str(), 0755);
    ::mkdir((root + "/m/2.0").c_str(), 0755);
  }
  ~Scratch() { std::system(("rm -rf '" + root + "'").c_str()); }
  std::string dir() const { return root + "/m"; }
  std::string cache() const { return root + "/cache"; }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir() + "/" + name, std::ios::binary | std::ios::trunc) << text;
  }
};

std::string revision(const std::string& id, const std::string& parent, const std::string& sql) {
  return "-- migrate:revision " + id + "\n" +
         (parent.empty() ? "" : "-- migrate:parents " + parent + "\n") +
         "-- migrate:message make " + id + "\n-- migrate:up\n" + sql +
         "\n-- migrate:down\nSELECT 1;\n";
}

void three_revisions(const Scratch& s) {
  s.write("a.sql", revision("a1", "", "CREATE TABLE a (id int);"));
  s.write("2.0/b.sql", revision("b2", "a1", "CREATE TABLE b (id int);"));
  s.write("c.yaml",
          "revision: c3\nparents: [b2]\nmessage: yaml one\noperations:\n"
          "  - add_column: {table: a, column: x, type: text}\n");
}

}  // namespace

TEST_CASE("revision cache: the second load opens no file and gives the same graph") {
  Scratch s;
  three_revisions(s);
  auto cold = fs::load_revision_summaries(s.dir(), s.cache(), later());
  CHECK(cold.files == 3);
  CHECK(cold.from_cache == 0);
  CHECK(cold.cache_note.empty());
  auto warm = fs::load_revision_summaries(s.dir(), s.cache(), later());
  CHECK(warm.from_cache == 3);
  CHECK(warm.cache_path == cold.cache_path);

  auto full = core::load_revisions(fs::read_migrations(s.dir()));
  REQUIRE(warm.graph.order() == full.order());
  CHECK(warm.graph.heads() == full.heads());
  for (const auto& id : full.order()) {
    const auto& a = full.get(id);
    const auto& b = warm.graph.get(id);
    CHECK(b.summary_only);
    CHECK(b.path == a.path);
    CHECK(b.message == a.message);
    CHECK(b.parents == a.parents);
    CHECK(b.has_contract() == a.has_contract());
    CHECK(b.summary_checksum == core::checksum(a.content));
  }
}

TEST_CASE("revision cache: an edit that keeps the size and the mtime is still seen") {
  Scratch s;
  three_revisions(s);
  fs::load_revision_summaries(s.dir(), s.cache(), later());
  std::string path = s.dir() + "/a.sql";
  struct stat before {};
  REQUIRE(::stat(path.c_str(), &before) == 0);
  s.write("a.sql", revision("a1", "", "CREATE TABLE z (id int);"));  // same size
  struct timespec times[2] = {before.st_atim, before.st_mtim};
  REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);  // mtime put back
  auto load = fs::load_revision_summaries(s.dir(), s.cache(), later());
  CHECK(load.from_cache == 2);
  auto full = core::load_revisions(fs::read_migrations(s.dir()));
  CHECK(load.graph.get("a1").summary_checksum == core::checksum(full.get("a1").content));
}

TEST_CASE("revision cache: files added and removed, and a file now invalid") {
  Scratch s;
  three_revisions(s);
  fs::load_revision_summaries(s.dir(), s.cache(), later());
  s.write("d.sql", revision("d4", "c3", "SELECT 4;"));
  auto added = fs::load_revision_summaries(s.dir(), s.cache(), later());
  CHECK(added.graph.heads() == std::vector<std::string>{"d4"});
  CHECK(added.from_cache == 3);
  REQUIRE(::unlink((s.dir() + "/d.sql").c_str()) == 0);
  auto removed = fs::load_revision_summaries(s.dir(), s.cache(), later());
  CHECK(removed.graph.heads() == std::vector<std::string>{"c3"});
  CHECK(removed.from_cache == 3);
  s.write("2.0/b.sql", "-- migrate:revision b2\n-- migrate:parents a1\n-- migrate:bogus\n");
  CHECK_THROWS_AS(fs::load_revision_summaries(s.dir(), s.cache(), later()), InvalidFilesError);
  // An invalid file is never recorded: it fails again without the cache's help.
  CHECK_THROWS_AS(fs::load_revision_summaries(s.dir(), s.cache(), later()), InvalidFilesError);
}

TEST_CASE("revision cache: a damaged cache is ignored and rebuilt") {
  Scratch s;
  three_revisions(s);
  auto cold = fs::load_revision_summaries(s.dir(), s.cache(), later());
  {
    std::fstream cache(cold.cache_path, std::ios::in | std::ios::out | std::ios::binary);
    cache.seekp(40);
    cache.put('#');
  }
  auto damaged = fs::load_revision_summaries(s.dir(), s.cache(), later());
  CHECK(damaged.from_cache == 0);
  CHECK(damaged.cache_note.find("rebuilt") != std::string::npos);
  CHECK(damaged.graph.size() == 3);
  REQUIRE(::truncate(cold.cache_path.c_str(), 100) == 0);
  CHECK(fs::load_revision_summaries(s.dir(), s.cache(), later()).from_cache == 0);
  CHECK(fs::load_revision_summaries(s.dir(), s.cache(), later()).from_cache == 3);
}

TEST_CASE("revision cache: a cache that cannot be written leaves the command working") {
  Scratch s;
  three_revisions(s);
  std::ofstream(s.root + "/file") << "x";
  std::string impossible = s.root + "/file/cache";  // below a regular file
  auto load = fs::load_revision_summaries(s.dir(), impossible, later());
  CHECK(load.graph.size() == 3);
  CHECK(load.from_cache == 0);
  CHECK(load.cache_note.find("cannot create") != std::string::npos);
}

TEST_CASE("revision cache: files changed in the last two seconds are read again next time") {
  Scratch s;
  three_revisions(s);
  fs::load_revision_summaries(s.dir(), s.cache());  // the clock's now: the files are seconds old
  CHECK(fs::load_revision_summaries(s.dir(), s.cache()).from_cache == 0);
}

TEST_CASE("revision cache: no cache directory, no cache") {
  Scratch s;
  three_revisions(s);
  auto load = fs::load_revision_summaries(s.dir(), "", later());
  CHECK(load.cache_path.empty());
  CHECK(load.graph.size() == 3);
  CHECK(fs::cache_dir_from("/x", "/y", "/z") == "/x");
  CHECK(fs::cache_dir_from("", "/y", "/z") == "/y/migrate");
  CHECK(fs::cache_dir_from("", "", "/z") == "/z/.cache/migrate");
  CHECK(fs::cache_dir_from("", "", "").empty());
}
