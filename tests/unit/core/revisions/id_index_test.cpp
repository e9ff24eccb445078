// IdIndex: positions of ids by open addressing over the owner's own ids.
#include "core/revisions/id_index.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using migrate::core::IdIndex;

namespace {

struct Ids {
  std::vector<std::string> ids;
  std::string_view operator()(size_t at) const { return ids[at]; }
};

}  // namespace

TEST_CASE("IdIndex: an empty index finds nothing") {
  IdIndex index;
  Ids ids;
  CHECK(index.find("a", ids) == IdIndex::npos);
  CHECK(index.size() == 0);
}

TEST_CASE("IdIndex: finds every id of a large sequence, growing past any reserve") {
  Ids ids;
  for (int i = 0; i < 5000; ++i) ids.ids.push_back("rev_" + std::to_string(i * 7919));
  IdIndex index;
  index.reserve(10);  // far too small: the table doubles as it fills
  for (size_t i = 0; i < ids.ids.size(); ++i) REQUIRE(index.insert(i, ids) == i);
  CHECK(index.size() == 5000);
  for (size_t i = 0; i < ids.ids.size(); ++i) CHECK(index.find(ids.ids[i], ids) == i);
  index.reserve(100000);  // holds ids already: no effect, none is lost
  for (size_t i = 0; i < ids.ids.size(); ++i) CHECK(index.find(ids.ids[i], ids) == i);
  CHECK(index.find("rev_1", ids) == IdIndex::npos);
  CHECK(index.find("", ids) == IdIndex::npos);
}

TEST_CASE("IdIndex: an equal id keeps the first position and tells it") {
  Ids ids{{"a", "b", "a"}};
  IdIndex index;
  CHECK(index.insert(0, ids) == 0);
  CHECK(index.insert(1, ids) == 1);
  CHECK(index.insert(2, ids) == 0);
  CHECK(index.size() == 2);
  CHECK(index.find("a", ids) == 0);
}

TEST_CASE("IdIndex: a copy reads the ids it is given, not the original's") {
  Ids first{{"x", "y"}};
  IdIndex index;
  index.insert(0, first);
  index.insert(1, first);
  IdIndex copy = index;
  Ids second = first;
  first.ids.clear();
  CHECK(copy.find("y", second) == 1);
  CHECK(copy.find("x", second) == 0);
}
