#include "core/revisions/parsed_file_cache.hpp"

#include <charconv>

#include "core/identifier.hpp"
#include "core/revisions/checksum.hpp"

namespace migrate::core {

// Bumped whenever the layout below, or what parsing puts in a summary, changes.
static constexpr std::string_view k_magic = "migrate parsed-file cache 1\n";
// "\n" and 16 hex digits of the FNV-1a hash of everything before, and "\n".
static constexpr size_t k_footer_size = 18;

Revision summarize(Revision revision) {
  Revision summary;
  summary.summary_only = true;
  summary.summary_has_contract = revision.has_contract();
  summary.summary_checksum = checksum(revision.content);
  summary.id = std::move(revision.id);
  summary.parents = std::move(revision.parents);
  summary.message = std::move(revision.message);
  summary.path = std::move(revision.path);
  summary.id_line = revision.id_line;
  summary.parents_line = revision.parents_line;
  summary.format = revision.format;
  summary.transactional = revision.transactional;
  summary.statement_timeout = std::move(revision.statement_timeout);
  summary.draft_line = revision.draft_line;
  return summary;
}

namespace {

class Writer {
 public:
  void number(uint64_t value) {
    char buffer[24];
    auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
    m_out.append(buffer, end);
    m_out += ' ';
  }
  void signed_number(int64_t value) { number(static_cast<uint64_t>(value)); }
  void text(std::string_view value) {
    number(value.size());
    m_out.append(value);
  }
  std::string& out() { return m_out; }

 private:
  std::string m_out;
};

class Reader {
 public:
  explicit Reader(std::string_view bytes) : m_rest(bytes) {}
  bool number(uint64_t& value) {
    auto [end, error] = std::from_chars(m_rest.data(), m_rest.data() + m_rest.size(), value);
    if (error != std::errc() || end == m_rest.data() + m_rest.size() || *end != ' ') return false;
    m_rest.remove_prefix(static_cast<size_t>(end - m_rest.data()) + 1);
    return true;
  }
  bool signed_number(int64_t& value) {
    uint64_t raw = 0;
    if (!number(raw)) return false;
    value = static_cast<int64_t>(raw);
    return true;
  }
  bool small(int& value) {
    uint64_t raw = 0;
    if (!number(raw) || raw > 1u << 30) return false;
    value = static_cast<int>(raw);
    return true;
  }
  bool flag(bool& value) {
    uint64_t raw = 0;
    if (!number(raw) || raw > 1) return false;
    value = raw == 1;
    return true;
  }
  bool text(std::string& value) {
    uint64_t size = 0;
    if (!number(size) || size > m_rest.size()) return false;
    value.assign(m_rest.data(), size);
    m_rest.remove_prefix(size);
    return true;
  }
  bool done() const { return m_rest.empty(); }

 private:
  std::string_view m_rest;
};

}  // namespace

std::string encode_parsed_file_cache(const std::vector<CachedRevision>& entries,
                                     std::string_view identity) {
  Writer writer;
  writer.out().append(k_magic);
  writer.text(identity);
  writer.number(entries.size());
  for (const auto& entry : entries) {
    const Revision& r = entry.summary;
    writer.text(entry.relative_path);
    writer.number(entry.stamp.size);
    writer.number(entry.stamp.inode);
    writer.number(entry.stamp.device);
    writer.signed_number(entry.stamp.mtime_ns);
    writer.signed_number(entry.stamp.ctime_ns);
    writer.text(r.id);
    writer.number(r.parents.size());
    for (const auto& parent : r.parents) writer.text(parent);
    writer.text(r.message);
    writer.number(static_cast<uint64_t>(r.id_line));
    writer.number(static_cast<uint64_t>(r.parents_line));
    writer.number(r.format == RevisionFormat::yaml ? 1 : 0);
    writer.number(r.transactional ? 1 : 0);
    writer.text(r.statement_timeout);
    writer.number(static_cast<uint64_t>(r.draft_line));
    writer.number(r.has_contract() ? 1 : 0);
    writer.text(r.summary_checksum);
  }
  std::string& out = writer.out();
  static const char* hex = "0123456789abcdef";
  uint64_t hash = fnv1a_64(out);
  out += '\n';
  for (int shift = 60; shift >= 0; shift -= 4) out += hex[(hash >> shift) & 0xf];
  out += '\n';
  return std::move(out);
}

std::optional<std::vector<CachedRevision>> decode_parsed_file_cache(std::string_view bytes,
                                                                    std::string_view identity) {
  if (bytes.size() < k_magic.size() + k_footer_size || bytes.substr(0, k_magic.size()) != k_magic)
    return std::nullopt;
  std::string_view body = bytes.substr(0, bytes.size() - k_footer_size);
  std::string_view footer = bytes.substr(body.size());
  uint64_t recorded = 0;
  if (footer.front() != '\n' || footer.back() != '\n') return std::nullopt;
  auto [end, error] = std::from_chars(footer.data() + 1, footer.data() + 17, recorded, 16);
  if (error != std::errc() || end != footer.data() + 17 || recorded != fnv1a_64(body))
    return std::nullopt;

  Reader reader(body.substr(k_magic.size()));
  std::string written_for;
  uint64_t count = 0;
  if (!reader.text(written_for) || written_for != identity || !reader.number(count) ||
      count > body.size() / 32)  // an entry takes more than 32 bytes
    return std::nullopt;
  std::vector<CachedRevision> entries(count);
  for (auto& entry : entries) {
    Revision& r = entry.summary;
    r.summary_only = true;
    uint64_t parents = 0;
    bool yaml = false;
    if (!reader.text(entry.relative_path) || !reader.number(entry.stamp.size) ||
        !reader.number(entry.stamp.inode) || !reader.number(entry.stamp.device) ||
        !reader.signed_number(entry.stamp.mtime_ns) ||
        !reader.signed_number(entry.stamp.ctime_ns) || !reader.text(r.id) ||
        !reader.number(parents) || parents > body.size())
      return std::nullopt;
    r.parents.resize(parents);
    for (auto& parent : r.parents)
      if (!reader.text(parent)) return std::nullopt;
    if (!reader.text(r.message) || !reader.small(r.id_line) || !reader.small(r.parents_line) ||
        !reader.flag(yaml) || !reader.flag(r.transactional) || !reader.text(r.statement_timeout) ||
        !reader.small(r.draft_line) || !reader.flag(r.summary_has_contract) ||
        !reader.text(r.summary_checksum))
      return std::nullopt;
    r.format = yaml ? RevisionFormat::yaml : RevisionFormat::sql;
  }
  if (!reader.done()) return std::nullopt;
  return entries;
}

}  // namespace migrate::core
