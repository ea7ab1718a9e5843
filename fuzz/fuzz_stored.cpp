// Fuzz target: what searchd reads back from a document of the index
// (indexer/document.h), for a damaged or foreign index: the hit record of
// value slot 10 (split_hit_record), the packed body in it (unpack_body,
// unpack_body_lead: an LZ4 lead and zstd frames, or zstd frames alone) and
// the document data (article_from_data, whose fast reader must agree with
// the reference JSON reader whenever both accept).
//
// Each input is tried as a slot-10 value, as a packed body and as document
// data. Damage must come back as false or std::runtime_error, never as a
// crash, a read out of bounds or a body that disagrees with its lead.
#include <stdexcept>
#include <string>
#include <string_view>

#include "fuzz/fuzz_common.h"
#include "indexer/document.h"

using namespace letopis;

namespace {

void check_body(std::string_view packed) {
  std::string body, lead;
  bool whole = false;
  const bool all = unpack_body(packed, body);
  const bool first = unpack_body_lead(packed, lead, whole);
  if (!all) FUZZ_CHECK(body.empty());
  FUZZ_CHECK(body.size() <= kMaxBodyBytes);
  if (all && first) {
    // The lead is where the body starts, and all of it when whole.
    FUZZ_CHECK(body.compare(0, lead.size(), lead) == 0);
    FUZZ_CHECK(!whole || lead == body);
  }
}

void check_data(const std::string& data) {
  Article fast, ref;
  bool fast_ok = true, ref_ok = true;
  try {
    fast = article_from_data(data);
  } catch (const std::runtime_error&) {
    fast_ok = false;
  }
  try {
    ref = article_from_data_reference(data);
  } catch (const std::runtime_error&) {
    ref_ok = false;
  }
  FUZZ_CHECK(fast_ok == ref_ok);
  if (fast_ok) FUZZ_CHECK(article_to_data(fast) == article_to_data(ref));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes = fuzz::as_text(data, size);

  std::string_view record_data, packed;
  if (split_hit_record(bytes, record_data, packed)) {
    FUZZ_CHECK(record_data.size() + packed.size() <= bytes.size());
    check_body(packed);
    if (!record_data.empty()) check_data(std::string(record_data));
  }
  check_body(bytes);
  check_data(std::string(bytes));
  return 0;
}
