// Positions of the ids of a sequence, found by hashing: one 32-bit slot per
// entry of a table at least twice the count (open addressing, linear probing),
// where an unordered_map spends a node of about 64 bytes on every id. The ids
// stay in the sequence that owns them: each call is given a way to read them
// again, so a copy of the owner (and of its index) stays valid.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace migrate::core {

class IdIndex {
 public:
  static constexpr size_t npos = static_cast<size_t>(-1);

  // Room for `count` ids without growing, in an index that holds none yet
  // (afterwards the table grows as it fills).
  void reserve(size_t count) {
    if (m_count != 0) return;
    size_t size = 16;
    while (size < 2 * count) size *= 2;
    if (size > m_slots.size()) rehash(size);
  }

  // Indexes `position`, whose id is id_at(position); when an id equal to it is
  // already indexed, leaves the index as it was and returns that id's position.
  template <class IdAt>
  size_t insert(size_t position, const IdAt& id_at) {
    if (2 * (m_count + 1) > m_slots.size()) grow(id_at);
    std::string_view id = id_at(position);
    for (size_t slot = home(id);; slot = (slot + 1) & (m_slots.size() - 1)) {
      if (m_slots[slot] == 0) {
        m_slots[slot] = static_cast<uint32_t>(position + 1);
        ++m_count;
        return position;
      }
      if (id_at(m_slots[slot] - 1) == id) return m_slots[slot] - 1;
    }
  }

  // The position of `id`, npos when it is not indexed.
  template <class IdAt>
  size_t find(std::string_view id, const IdAt& id_at) const {
    if (m_slots.empty()) return npos;
    for (size_t slot = home(id);; slot = (slot + 1) & (m_slots.size() - 1)) {
      if (m_slots[slot] == 0) return npos;
      if (id_at(m_slots[slot] - 1) == id) return m_slots[slot] - 1;
    }
  }

  size_t size() const { return m_count; }

 private:
  size_t home(std::string_view id) const {
    return std::hash<std::string_view>{}(id) & (m_slots.size() - 1);
  }
  void rehash(size_t size) {
    m_slots.assign(size, 0);
    m_count = 0;
  }
  // Doubles the table and indexes its positions again.
  template <class IdAt>
  void grow(const IdAt& id_at) {
    std::vector<uint32_t> old = std::move(m_slots);
    rehash(old.empty() ? 16 : 2 * old.size());
    for (uint32_t entry : old)
      if (entry != 0) insert(entry - 1, id_at);
  }

  std::vector<uint32_t> m_slots;  // position + 1; 0 = empty
  size_t m_count = 0;
};

}  // namespace migrate::core
